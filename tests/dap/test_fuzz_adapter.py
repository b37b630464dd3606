"""Fuzzing the real adapter process: bad frames and wrong arguments never make it deaf.

One adapter serves the whole suite: after each generated frame or request, a valid request
must still be answered. Frames are mangled the ways editors and scripts mangle them (no or a
wrong Content-Length, stray header lines, bodies that are not requests); arguments are any
JSON at all for the requests an editor sends during a session.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from replaydbg.dap.adapter.protocol import encode_message
from tests.support.dap_client import Adapter

#: Requests that do not end the session or start a replay, whatever their arguments.
COMMANDS = ["initialize", "setBreakpoints", "setFunctionBreakpoints", "setExceptionBreakpoints",
            "continue", "next", "stepIn", "stepOut", "stepBack", "reverseContinue", "pause",
            "stackTrace", "scopes", "variables", "evaluate", "setVariable", "exceptionInfo",
            "threads", "configurationDone", "temporal/nextEvent", "temporal/history",
            "temporal/runToEvent",
            "gotoTargets", "source", "someUnknownRequest"]

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-2**40, 2**40) | st.floats(allow_nan=False)
    | st.text(max_size=10),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner,
                                                                  max_size=4),
    max_leaves=12)
_seq = itertools.count(1000)


@pytest.fixture(scope="module")
def adapter() -> Iterator[Adapter]:
    process = Adapter()
    process.request(1, "initialize", adapterID="temporal-replay")
    yield process
    process.request(99, "disconnect")
    process.proc.wait(timeout=10)


def _still_answers(adapter: Adapter) -> None:
    seq = next(_seq)
    answer = adapter.request(seq, "setFunctionBreakpoints", breakpoints=[])
    assert "before launch" in answer["message"]
    assert adapter.proc.poll() is None


@st.composite
def requests(draw: st.DrawFn) -> dict[str, Any]:
    request: dict[str, Any] = {"seq": next(_seq), "type": "request",
                               "command": draw(st.sampled_from(COMMANDS) | json_values)}
    arguments = draw(json_values | st.dictionaries(
        st.sampled_from(["breakpoints", "filters", "threadId", "source", "expression",
                         "frameId", "variablesReference", "filterOptions", "lines", "eventId"]),
        json_values, max_size=3))
    if draw(st.booleans()):
        request["arguments"] = arguments
    return request


@given(requests())
def test_any_arguments_get_an_answer(adapter: Adapter, request: dict[str, Any]) -> None:
    adapter.send_raw(encode_message(request))
    answer = adapter.response(request["seq"])
    assert "internal error" not in str(answer.get("message")), answer
    _still_answers(adapter)


_BODY = st.builds(lambda value: json.dumps(value).encode(), json_values)


@st.composite
def bad_frames(draw: st.DrawFn) -> bytes:
    body = draw(_BODY | st.binary(max_size=40).filter(lambda b: b"Content-Length" not in b))
    length = draw(st.sampled_from([
        "", "-5", "lots", "4.5", "99999999999", str(max(len(body) - 3, 0)), str(len(body)),
        " 0x10", "1e3"]))
    headers = [] if length == "" else [f"Content-Length: {length}"]
    extras = draw(st.lists(st.sampled_from(["garbage", "Content-Type: x", ": empty name",
                                            "X-Y:"]), max_size=2))
    lines = draw(st.permutations(headers + extras))
    return "".join(line + "\r\n" for line in lines).encode() + b"\r\n" + body


@given(bad_frames())
def test_bad_frames_never_make_it_deaf(adapter: Adapter, frame: bytes) -> None:
    adapter.send_raw(frame)
    _still_answers(adapter)
