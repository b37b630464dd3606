"""A stop the event plan did not make (a line breakpoint) still knows its history event."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from tests.support.dap_client import Adapter, adapter_session, wait_for

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
ORDERS = EXAMPLES / "orders" / "workflows.py"


def _marker(name: str) -> int:
    lines = ORDERS.read_text().splitlines()
    return next(i for i, text in enumerate(lines, 1) if text.rstrip().endswith(f"# @{name}"))


def _next_stop(adapter: Adapter, seen: list[dict[str, Any]]) -> dict[str, Any]:
    stop = wait_for(adapter, lambda m: m.get("event") in ("stopped", "terminated")
                    and not any(m is s for s in seen))
    seen.append(stop)
    assert stop["event"] == "stopped", adapter.messages
    return stop


def _top(adapter: Adapter, seq: int, thread: int) -> dict[str, Any]:
    frames = adapter.request(seq, "stackTrace", threadId=thread)["body"]["stackFrames"]
    return dict(frames[0])


def test_a_line_breakpoint_in_a_signal_handler_names_the_signal_and_moves_by_event() -> None:
    seen: list[dict[str, Any]] = []
    with adapter_session() as adapter:
        adapter.send(2, "launch", historyFile="orders/history.json", cwd=str(EXAMPLES),
                     python=sys.executable)
        wait_for(adapter, lambda m: m.get("event") == "initialized")
        adapter.request(3, "setBreakpoints", source={"path": str(ORDERS)},
                        breakpoints=[{"line": _marker("on_approve")}])
        adapter.request(4, "configurationDone")
        stop = _next_stop(adapter, seen)
        thread = stop["body"]["threadId"]
        top = _top(adapter, 5, thread)
        assert (top["line"], top["name"]) == (_marker("on_approve"), "approve")
        current = [m["body"] for m in adapter.messages
                   if m.get("event") == "temporal/currentEvent"]
        assert current and current[-1]["description"] == \
            "Event 17 WorkflowExecutionSignaled (approve)"
        scopes = adapter.request(6, "scopes", frameId=top["id"])["body"]["scopes"]
        assert "Temporal" in [scope["name"] for scope in scopes]

        # By event from here: forward to the next event, then back to the signal.
        moved = adapter.request(7, "temporal/nextEvent", threadId=thread)
        assert moved["success"] and moved["body"]["eventId"] > 17
        forward = _next_stop(adapter, seen)
        assert forward["body"]["description"].startswith(f"Event {moved['body']['eventId']} ")
        assert adapter.request(8, "stepBack", threadId=thread)["success"]
        back = _next_stop(adapter, seen)
        assert back["body"]["description"] == "Event 17 WorkflowExecutionSignaled (approve)"
        top = _top(adapter, 9, back["body"]["threadId"])
        assert (top["line"], top["name"]) == (_marker("on_approve"), "approve")
