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
import re
import threading
from typing import IO, Any

Message = dict[str, Any]

_MAX_BODY = 256 * 1024 * 1024
_HEADER = b"Content-Length:"
_OTHER_HEADER = re.compile(rb"[A-Za-z][A-Za-z0-9-]*:")


class ProtocolError(Exception):
    """A frame that is not valid DAP; the stream may still be usable afterwards."""


class EndOfStream(Exception):
    """The peer closed the stream."""


def read_message(stream: IO[bytes]) -> Message:
    """Read one framed message; raises EndOfStream at a clean end, ProtocolError on junk."""
    return FrameReader(stream).read()


class FrameReader:
    """Reads frames from one stream, finding the next frame again after a bad one.

    A frame starts at a ``Content-Length:`` header. Lines before one are junk (a stray line,
    the rest of a body longer than its Content-Length, which has no newline of its own and so
    arrives glued to the next header): skipped, reported once as a ProtocolError, and the
    frame after them is read by the next call.
    """

    def __init__(self, stream: IO[bytes]) -> None:
        self._stream = stream
        self._pending: bytes | None = None

    def read(self) -> Message:
        """The next message; ProtocolError for a bad frame (the next call reads on)."""
        length = self._read_headers()
        body = self._stream.read(length)
        if len(body) < length:
            raise EndOfStream("stream closed in the middle of a message")
        try:
            message = json.loads(body)
        except ValueError as err:
            raise ProtocolError(f"message body is not JSON: {err}") from None
        if not isinstance(message, dict) or "type" not in message:
            raise ProtocolError("message is not a JSON object with a 'type'")
        return message

    def _line(self) -> bytes:
        line, self._pending = self._pending, None
        line = line if line is not None else self._stream.readline()
        if not line:
            raise EndOfStream("stream closed")
        return line

    def _read_headers(self) -> int:
        """The Content-Length of the next frame; the whole header block is read even if bad."""
        line = self._line()
        at = line.find(_HEADER)
        if at < 0 and not _OTHER_HEADER.match(line):
            self._skip_to_header(line)
        length: int | None = None
        problem: str | None = None
        line = line[at:] if at > 0 else line
        while line not in (b"\r\n", b"\n"):
            if line.find(_HEADER) > 0:  # a new frame begins inside this header block
                self._pending = line
                raise ProtocolError(problem or "frame cut short before its body")
            try:
                found = _header_length(line)
            except ProtocolError as err:
                problem = problem or str(err)
            else:
                length = found if found is not None else length
            line = self._line()
        if problem is not None:
            if length is not None:
                self._stream.read(length)  # the frame is delimited: skip its body
            raise ProtocolError(problem)
        if length is None:
            raise ProtocolError("frame without a Content-Length header")
        return length

    def _skip_to_header(self, junk: bytes) -> None:
        """Skip lines up to one holding a Content-Length header, kept for the next read."""
        line = junk
        while (at := line.find(_HEADER)) < 0:
            line = self._line()
        self._pending = line[at:]
        raise ProtocolError(f"unexpected data before a frame: {junk[:80]!r}")


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
