"""DAP wire format: ``Content-Length`` framed JSON messages over byte streams.

Both sides of the adapter (the editor, and debugpy's own adapter) speak this. Reading is
strict about framing (a bad header is a :class:`ProtocolError` the caller answers or logs,
never a crash) and writing is serialised by a lock, because several threads send to the
editor (request handlers, the debuggee's control channel, debugpy's events).
"""

from __future__ import annotations

import json
import threading
from typing import IO, Any

Message = dict[str, Any]

_MAX_BODY = 256 * 1024 * 1024


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
    length: int | None = None
    while True:
        line = stream.readline()
        if not line:
            raise EndOfStream("stream closed")
        if line in (b"\r\n", b"\n"):
            if length is None:
                raise ProtocolError("frame without a Content-Length header")
            return length
        name, sep, value = line.decode("ascii", "replace").partition(":")
        if not sep:
            raise ProtocolError(f"malformed header line {line[:80]!r}")
        if name.strip().lower() == "content-length":
            try:
                length = int(value.strip())
            except ValueError:
                raise ProtocolError(f"bad Content-Length {value.strip()[:40]!r}") from None
            if not 0 <= length <= _MAX_BODY:
                raise ProtocolError(f"Content-Length {length} out of range")


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
