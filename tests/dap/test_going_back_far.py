"""Going back past the standby parked near the stop: the one parked at the start takes it.

Deep in the 10,548-event batch example (event 1,000: more than the 400 events a near standby
parks behind), Reverse Continue to a breakpoint on event 1 must land there, twice in a row
(the start standby is used up by the first trip and prepared again), with the workflow's
own line on top.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

from tests.support.dap_client import Adapter, adapter_session, wait_for

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _next_stop(adapter: Adapter, seen: list[dict[str, Any]]) -> dict[str, Any]:
    stop = wait_for(adapter, lambda m: m.get("event") in ("stopped", "terminated")
                    and not any(m is s for s in seen), timeout=120)
    seen.append(stop)
    assert stop["event"] == "stopped", [m for m in adapter.messages if m.get("type") != "event"
                                        or m.get("event") == "output"][-5:]
    return stop


def test_reverse_continue_from_deep_in_a_long_history_to_its_first_event() -> None:
    seen: list[dict[str, Any]] = []
    with adapter_session() as adapter:
        adapter.send(2, "launch", historyFile="batch/history.json", cwd=str(EXAMPLES),
                     python=sys.executable)
        wait_for(adapter, lambda m: m.get("event") == "initialized", timeout=120)
        adapter.request(3, "setFunctionBreakpoints",
                        breakpoints=[{"name": "event:1"}, {"name": "event:1000"}])
        adapter.request(4, "configurationDone")
        first = _next_stop(adapter, seen)["body"]
        assert first["description"].startswith("Event 1 WorkflowExecutionStarted"), first
        seq = 5
        for _ in range(2):
            adapter.request(seq, "continue", threadId=first["threadId"])
            deep = _next_stop(adapter, seen)["body"]
            assert deep["description"].startswith("Event 1000 "), deep
            time.sleep(3)  # the user looks at the stop: the standbys park
            adapter.request(seq + 1, "reverseContinue", threadId=deep["threadId"])
            back = _next_stop(adapter, seen)["body"]
            assert back["description"].startswith("Event 1 WorkflowExecutionStarted"), back
            frames = adapter.request(seq + 2, "stackTrace", threadId=back["threadId"])
            top = frames["body"]["stackFrames"][0]
            assert top["source"]["path"].endswith("batch/workflows.py"), top
            first, seq = back, seq + 3
