"""``temporal/runToEvent``: the history view's "Run to This Event", forward and back."""

from __future__ import annotations

import sys
import time
from typing import Any

from tests.support.dap_client import Adapter, adapter_session, wait_for
from tests.support.greeting_server import EXAMPLES

ORIGINAL = "greeting.original_workflows:GreetingWorkflow"


def _stops(adapter: Adapter) -> list[dict[str, Any]]:
    return [m for m in adapter.messages if m.get("event") in ("stopped", "terminated")]


def _next_stop(adapter: Adapter, count: int) -> dict[str, Any]:
    """The ``count``-th stop of the session (1-based), once it is there."""
    wait_for(adapter, lambda _: len(_stops(adapter)) >= count)
    stop = _stops(adapter)[count - 1]
    assert stop["event"] == "stopped", adapter.messages
    return stop


def _top_line(adapter: Adapter, seq: int, thread: int) -> int:
    frames = adapter.request(seq, "stackTrace", threadId=thread)["body"]["stackFrames"]
    return int(frames[0]["line"])


def test_run_to_an_event_goes_forward_or_back_and_refuses_events_without_code() -> None:
    with adapter_session() as adapter:
        adapter.send(2, "launch", historyFile="greeting/history.json", cwd=str(EXAMPLES),
                     python=sys.executable, workflow=ORIGINAL, stopOnEntry=True)
        wait_for(adapter, lambda m: m.get("event") == "initialized")
        adapter.request(3, "configurationDone")
        entry = _next_stop(adapter, 1)
        assert entry["body"]["description"] == "Event 1 WorkflowExecutionStarted"
        thread = entry["body"]["threadId"]
        events = adapter.request(4, "temporal/history")["body"]["events"]

        forward = adapter.request(5, "temporal/runToEvent", eventId=18, threadId=thread)
        assert forward["success"] and forward["body"] == {"eventId": 18}, forward
        assert _next_stop(adapter, 2)["body"]["description"] == "Event 18 TimerFired (timer 1)"

        back = adapter.request(6, "temporal/runToEvent", eventId=11, threadId=thread)
        assert back["success"], back
        stop = _next_stop(adapter, 3)
        assert stop["body"]["description"].startswith("Event 11 ActivityTaskScheduled")
        assert _top_line(adapter, 7, stop["body"]["threadId"]) == events[10]["source"]["line"]

        # Where the replay is already: answered, and no stop follows.
        here = adapter.request(8, "temporal/runToEvent", eventId=11, threadId=thread)
        assert here["success"] and here["body"] == {"eventId": 11}, here
        no_code = adapter.request(9, "temporal/runToEvent", eventId=12, threadId=thread)
        assert not no_code["success"]
        assert "no workflow code runs for event 12 (ActivityTaskStarted)" in no_code["message"]
        missing = adapter.request(10, "temporal/runToEvent", eventId=999, threadId=thread)
        assert "this history has no event 999" in missing["message"]
        wrong = adapter.request(11, "temporal/runToEvent", eventId="7", threadId=thread)
        assert "invalid request" in wrong["message"] and "eventId" in wrong["message"]
        time.sleep(1.0)
        assert len(_stops(adapter)) == 3, _stops(adapter)


def test_run_to_an_event_before_launch_says_so() -> None:
    with adapter_session() as adapter:
        answer = adapter.request(2, "temporal/runToEvent", eventId=3)
        assert not answer["success"] and "launch first" in answer["message"]
