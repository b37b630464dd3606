"""DAP wire format: ``Content-Length`` framed JSON messages over byte streams.

Both sides of the adapter (the editor, and debugpy's own adapter) speak this. Reading is
strict about framing (a bad header is a :class:`ProtocolError` the caller answers or logs,
never a crash) and resynchronises after one: a bad header block is read to its end, and the
leftovers of a frame whose length was wrong are skipped up to the next ``Content-Length``
header, so one bad frame costs one message, not the session. Writing is serialised by a
lock, because several threads send to the editor (request handlers, the debuggee's control
channel, debugpy's events).
"""

from __future__ import annotations

import json
import threading
from typing import IO, Any

Message = dict[str, Any]

_MAX_BODY = 256 * 1024 * 1024
_HEADER = b"Content-Length:"


class ProtocolError(Exception):
    """A frame that is not valid DAP; the stream may still be usable afterwards."""


class EndOfStream(Exception):
    """The peer closed the stream."""


def read_message(stream: IO[bytes]) -> Message:
    """Read one framed message; raises EndOfStream at a clean end, ProtocolError on junk."""
    length = _read_headers(stream)
    body = stream.read(length)
    if len(body) < length:
        raise EndOfStream("stream closed in the middle of a message")
    try:
        message = json.loads(body)
    except ValueError as err:
        raise ProtocolError(f"message body is not JSON: {err}") from None
    if not isinstance(message, dict) or "type" not in message:
        raise ProtocolError("message is not a JSON object with a 'type'")
    return message


def _read_headers(stream: IO[bytes]) -> int:
    """The Content-Length of the next frame; the whole header block is read even when bad."""
    length: int | None = None
    problem: str | None = None
    first = True
    while True:
        line = stream.readline()
        if not line:
            raise EndOfStream("stream closed")
        if first:
            line = _from_header(line)
            first = False
        if line in (b"\r\n", b"\n"):
            break
        try:
            found = _header_length(line)
        except ProtocolError as err:
            problem = problem or str(err)
            continue
        length = found if found is not None else length
    if problem is not None:
        if length is not None:
            stream.read(length)  # skip this frame's body: the next frame starts right after
        raise ProtocolError(problem)
    if length is None:
        raise ProtocolError("frame without a Content-Length header")
    return length


def _from_header(line: bytes) -> bytes:
    """``line`` from its ``Content-Length`` header on, when a frame's leftovers precede it.

    A body longer than its Content-Length has no newline at its end, so its rest and the
    next frame's first header arrive as one line.
    """
    at = line.find(_HEADER)
    return line[at:] if at > 0 else line


def _header_length(line: bytes) -> int | None:
    """The length a header line gives (None for other headers); ProtocolError if it is bad."""
    name, sep, value = line.decode("ascii", "replace").partition(":")
    if not sep:
        raise ProtocolError(f"malformed header line {line[:80]!r}")
    if name.strip().lower() != "content-length":
        return None
    text = value.strip()
    if not text.isdigit():
        raise ProtocolError(f"bad Content-Length {text[:40]!r}")
    length = int(text)
    if length > _MAX_BODY:
        raise ProtocolError(f"Content-Length {length} out of range")
    return length


def encode_message(message: Message) -> bytes:
    """The framed bytes of one message."""
    body = json.dumps(message, separators=(",", ":")).encode("utf-8")
    return b"Content-Length: %d\r\n\r\n%s" % (len(body), body)


class MessageWriter:
    """Writes framed messages to one stream from any thread, numbering them."""

    def __init__(self, stream: IO[bytes]) -> None:
        self._stream = stream
        self._lock = threading.Lock()
        self._seq = 0
        self.closed = False

    def send(self, message: Message) -> int:
        """Send ``message`` with this side's next ``seq``; returns that seq."""
        with self._lock:
            self._seq += 1
            message["seq"] = self._seq
            if self.closed:
                return self._seq
            try:
                self._stream.write(encode_message(message))
                self._stream.flush()
            except (OSError, ValueError):
                self.closed = True
            return self._seq
