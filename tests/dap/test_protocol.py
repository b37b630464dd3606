from __future__ import annotations

import io
import json

import pytest

from replaydbg.dap.adapter.protocol import (
    EndOfStream,
    MessageWriter,
    ProtocolError,
    encode_message,
    read_message,
)


def _stream(*chunks: bytes) -> io.BytesIO:
    return io.BytesIO(b"".join(chunks))


def test_round_trip_and_sequence_numbers() -> None:
    out = io.BytesIO()
    writer = MessageWriter(out)
    assert writer.send({"type": "event", "event": "a"}) == 1
    assert writer.send({"type": "event", "event": "b", "seq": 99}) == 2  # renumbered
    out.seek(0)
    assert read_message(out) == {"type": "event", "event": "a", "seq": 1}
    assert read_message(out)["seq"] == 2
    with pytest.raises(EndOfStream):
        read_message(out)


def test_non_ascii_length_is_in_bytes() -> None:
    framed = encode_message({"type": "event", "body": {"text": "héllo ✓"}})
    assert read_message(io.BytesIO(framed))["body"]["text"] == "héllo ✓"


@pytest.mark.parametrize("frame, error", [
    (b"Content-Type: x\r\n\r\n{}", "without a Content-Length"),
    (b"Content-Length: x\r\n\r\n", "bad Content-Length"),
    (b"garbage\r\nContent-Length: 2\r\n\r\n{}", "unexpected data before a frame"),
    (b"Content-Length: 2\r\ngarbage\r\n\r\n{}", "malformed header"),
    (b"Content-Length: 3\r\n\r\nabc", "not JSON"),
    (b"Content-Length: 2\r\n\r\n[]", "'type'"),
])
def test_malformed_frames_are_protocol_errors(frame: bytes, error: str) -> None:
    with pytest.raises(ProtocolError, match=error):
        read_message(_stream(frame))


def test_stream_usable_after_a_bad_body() -> None:
    good = encode_message({"type": "request", "command": "threads"})
    stream = _stream(b"Content-Length: 3\r\n\r\nabc", good)
    with pytest.raises(ProtocolError):
        read_message(stream)
    assert read_message(stream)["command"] == "threads"


def test_truncated_body_is_end_of_stream() -> None:
    with pytest.raises(EndOfStream):
        read_message(_stream(b"Content-Length: 10\r\n\r\n{}"))


def test_writer_survives_a_closed_stream() -> None:
    stream = io.BytesIO()
    writer = MessageWriter(stream)
    stream.close()
    writer.send({"type": "event"})
    assert writer.closed
    json.dumps({})  # no exception escaped
