"""Where events carry payloads, and how they read, on real recorded histories."""

from __future__ import annotations

import asyncio

from temporalio.api.common.v1 import Payload

from replaydbg.history import History, load_history
from replaydbg.history.decoded import decode_history
from replaydbg.history.event_payloads import payload_places
from replaydbg.history.payload_text import PayloadDecoder, Undecodable, short_text
from tests.history.samples import RICH
from tests.support.zlib_codec import data_converter

CODEC = RICH.parent / "codec_history.json"


def _paths(history: History) -> dict[int, list[str]]:
    return {e.event_id: [p.path for p in payload_places(e)] for e in history.events
            if payload_places(e)}


def test_places_in_the_rich_history(rich: History) -> None:
    paths = _paths(rich)
    assert paths[1] == ["input"]
    assert paths[6] == ["acceptedRequest.input.args"]
    assert paths[7] == ["outcome.success"]
    assert paths[12] == ["result"]
    assert 8 not in paths  # a patch marker's bookkeeping is not shown
    assert paths[19] == ["details.result"]  # a local activity's result


def test_failure_details_are_found_below_the_failure() -> None:
    paths = _paths(load_history(CODEC))
    assert paths[14] == ["failure.applicationFailureInfo.details"]


def test_decoding_the_codec_history_with_the_users_converter() -> None:
    decoded = asyncio.run(decode_history(load_history(CODEC), PayloadDecoder(data_converter)))
    assert decoded[6] == {"input": ["a", 3]}
    assert decoded[3] == {"input": ["leave at the door", 2]}
    assert decoded[18]["result"][0]["receipt"] == {"customer": "a", "charged": 3}


def test_without_the_codec_each_payload_is_undecodable_with_the_hint() -> None:
    decoded = asyncio.run(decode_history(load_history(CODEC), PayloadDecoder(hint="use X")))
    [value] = decoded[1]["input"]
    assert value == Undecodable("binary/zlib", "use X")
    assert str(value) == "<binary/zlib: cannot decode — use X>"


def test_one_bad_payload_spoils_nothing_else() -> None:
    good = Payload(metadata={"encoding": b"json/plain"}, data=b'{"a": 1}')
    bad = Payload(metadata={"encoding": b"json/plain"}, data=b"{not json")
    raw = Payload(metadata={"encoding": b"binary/plain"}, data=b"\x00\x01")
    values = asyncio.run(PayloadDecoder().decode_all([good, bad, raw]))
    assert values[0] == {"a": 1}
    assert isinstance(values[1], Undecodable) and values[1].encoding == "json/plain"
    assert values[2] == "<2 bytes: AAE=>"


def test_short_text_cuts_to_the_limit() -> None:
    assert short_text(["a", 3]) == '["a", 3]'
    long = short_text({"text": "x" * 100})
    assert len(long) == 60 and long.endswith("…")
