"""The real adapter under malformed frames and requests: every request answered, no deafness."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

from replaydbg.dap.adapter.protocol import encode_message
from tests.support.dap_client import Adapter, adapter_session, wait_for

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
_BODY = b'{"seq": 5, "type": "request", "command": "threads"}'

BAD_FRAMES = {
    "missing length": b"Content-Type: application/json\r\n\r\n" + _BODY,
    "negative length": b"Content-Length: -5\r\n\r\n" + _BODY,
    "not a number": b"Content-Length: lots\r\n\r\n" + _BODY,
    "fractional": b"Content-Length: 4.5\r\n\r\n" + _BODY,
    "too large": b"Content-Length: 99999999999\r\n\r\n" + _BODY,
    "shorter than the body": b"Content-Length: 10\r\n\r\n" + _BODY,
    "header without a colon": b"Content-Length 12\r\n\r\n" + _BODY,
    "junk line among headers": b"garbage\r\nContent-Length: %d\r\n\r\n%s" % (len(_BODY), _BODY),
}


def test_each_bad_frame_is_reported_and_the_next_requests_answered() -> None:
    with adapter_session() as adapter:
        seq = 10
        for name, frame in BAD_FRAMES.items():
            adapter.send_raw(frame)
            for _ in range(3):
                seq += 1
                answer = adapter.request(seq, "setFunctionBreakpoints", breakpoints=[])
                assert "before launch" in answer["message"], name
        reports = [m for m in adapter.messages
                   if "ignored a bad DAP frame" in str(m.get("body", {}).get("output"))]
        assert len(reports) == len(BAD_FRAMES)


def _raw_request(adapter: Adapter, seq: int, **fields: Any) -> dict[str, Any]:
    adapter.send_raw(encode_message({"seq": seq, "type": "request", **fields}))
    return adapter.response(seq)


BAD_REQUESTS: list[tuple[dict[str, Any], str]] = [
    ({}, "a request needs a string 'command', not null"),
    ({"command": 7}, "a request needs a string 'command', not a number"),
    ({"command": "launch", "arguments": "historyFile.json"},
     "'launch': arguments must be an object, not a string"),
    ({"command": "setFunctionBreakpoints", "arguments": {"breakpoints": "event:7"}},
     "arguments.breakpoints must be a list of FunctionBreakpoint objects, not a string"),
    ({"command": "setFunctionBreakpoints", "arguments": {"breakpoints": [{"name": 7}]}},
     "arguments.breakpoints[0].name must be a string, not a number"),
    ({"command": "setExceptionBreakpoints", "arguments": {"filters": "temporal.*"}},
     "arguments.filters must be a list of strings, not a string"),
    ({"command": "setBreakpoints", "arguments": {}}, "arguments.source is required"),
    ({"command": "continue", "arguments": {"threadId": True}},
     "arguments.threadId must be an integer, not a boolean"),
    ({"command": "evaluate", "arguments": {"expression": ["x"]}},
     "arguments.expression must be a string, not a list"),
]


def test_requests_that_do_not_fit_the_schema_get_an_error() -> None:
    with adapter_session() as adapter:
        for seq, (fields, problem) in enumerate(BAD_REQUESTS, start=10):
            answer = _raw_request(adapter, seq, **fields)
            assert not answer["success"] and problem in answer["message"], fields
            assert "internal error" not in answer["message"]
        assert adapter.request(50, "setFunctionBreakpoints", breakpoints=[])["message"]


def test_initialize_arguments_that_are_a_list() -> None:
    adapter = Adapter()
    try:
        answer = _raw_request(adapter, 1, command="initialize", arguments=["x"])
        assert "'initialize': arguments must be an object, not a list" in answer["message"]
        assert adapter.request(2, "initialize", adapterID="temporal-replay")["success"]
    finally:
        adapter.request(99, "disconnect")
        adapter.proc.wait(timeout=10)


def _text_file(tmp_path: Path, executable: bool) -> Path:
    path = tmp_path / "python"
    path.write_text("this is not python\n")
    path.chmod(0o755 if executable else 0o644)
    return path


@pytest.mark.parametrize(("executable", "problem"), [
    (True, "is not a program this system can run"),
    (False, "is not an executable file"),
])
def test_a_python_that_is_not_python_fails_the_launch_and_allows_another(
        tmp_path: Path, executable: bool, problem: str) -> None:
    python = _text_file(tmp_path, executable)
    with adapter_session() as adapter:
        adapter.send(2, "launch", historyFile="greeting/history.json", cwd=str(EXAMPLES),
                     python=str(python))
        launch = adapter.response(2)
        assert not launch["success"] and problem in launch["message"]
        assert 'launch attribute "python"' in launch["message"]
        wait_for(adapter, lambda m: m.get("event") == "terminated", timeout=5)
        adapter.send(3, "launch", historyFile="greeting/history.json", cwd=str(EXAMPLES),
                     python=sys.executable, workflow="greeting.original_workflows:GreetingWorkflow")
        wait_for(adapter, lambda m: m.get("event") == "initialized")
        adapter.request(4, "configurationDone")
        assert adapter.response(3, timeout=60)["success"]


def test_a_shell_script_is_not_a_python(tmp_path: Path) -> None:
    script = tmp_path / "python"
    script.write_text("#!/bin/sh\necho hello\n")
    script.chmod(0o755)
    with adapter_session() as adapter:
        adapter.send(2, "launch", historyFile="greeting/history.json", cwd=str(EXAMPLES),
                     python=str(script))
        launch = adapter.response(2)
        assert "is not a Python interpreter (it said: hello)" in launch["message"]


def test_threads_after_a_failed_launch_are_none_not_an_error() -> None:
    """VS Code asks for threads after a ``thread`` event that raced the end: no toast."""
    with adapter_session() as adapter:
        adapter.send(2, "launch", historyFile="greeting/history.json", cwd=str(EXAMPLES))
        launch = adapter.response(2, timeout=60)
        assert not launch["success"] and "several workflows" in launch["message"]
        wait_for(adapter, lambda m: m.get("event") == "terminated", timeout=10)
        adapter.send(3, "threads")
        threads = adapter.response(3)
        assert threads["success"] and threads["body"] == {"threads": []}, threads
