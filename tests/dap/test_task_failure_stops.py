"""A stuck workflow under the debugger: the default launch stops on the line that raised.

Histories recorded from a real dev server (examples/incidents); the same on 3.11 and 3.12.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from tests.support.dap_client import Adapter, adapter_session, wait_for

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
WORKFLOWS = EXAMPLES / "incidents" / "workflows.py"


def _marker(name: str) -> int:
    lines = WORKFLOWS.read_text().splitlines()
    return next(i for i, text in enumerate(lines, 1) if text.rstrip().endswith(f"# @{name}"))


def _stops(adapter: Adapter) -> list[dict[str, Any]]:
    return [m for m in adapter.messages if m.get("event") in ("stopped", "terminated")]


def _launch(adapter: Adapter, history: str, **extra: Any) -> dict[str, Any]:
    """A default launch (no breakpoints, default filters); returns the first stop."""
    adapter.send(2, "launch", historyFile=f"incidents/{history}", cwd=str(EXAMPLES),
                 python=sys.executable, workflow="incidents.workflows", **extra)
    wait_for(adapter, lambda m: m.get("event") == "initialized")
    adapter.request(3, "configurationDone")
    stopped = wait_for(adapter, lambda m: m.get("event") in ("stopped", "terminated"))
    assert stopped["event"] == "stopped", adapter.messages
    return stopped


def _frames(adapter: Adapter, seq: int, thread: int) -> list[dict[str, Any]]:
    return list(adapter.request(seq, "stackTrace", threadId=thread)["body"]["stackFrames"])


def test_a_stuck_workflow_stops_on_the_raising_line_and_steps_back() -> None:
    with adapter_session() as adapter:
        stopped = _launch(adapter, "stuck.json")
        body = stopped["body"]
        assert (body["reason"], body["description"]) == ("exception",
                                                         "Workflow task failed: KeyError")
        thread = body["threadId"]
        frames = _frames(adapter, 4, thread)
        # (pydevd names the outermost frame of a post-mortem stop "run (Current frame)".)
        assert [(f["name"].split()[0], f["line"]) for f in frames[:2]] == [
            ("_price_of", _marker("lookup")), ("run", _marker("add_price"))]
        info = adapter.request(5, "exceptionInfo", threadId=thread)["body"]
        assert info["exceptionId"] == "WorkflowTaskFailed"
        assert info["details"]["typeName"] == "KeyError"
        assert f'line {_marker("lookup")}, in _price_of' in info["details"]["stackTrace"]
        assert "history: reproduced: the code raises what the history recorded" in \
            info["description"]
        # The locals at the raise are there, post mortem.
        scopes = adapter.request(6, "scopes", frameId=frames[0]["id"])["body"]["scopes"]
        names = [s["name"] for s in scopes]
        assert names[-1] == "Temporal"
        local = adapter.request(7, "variables", variablesReference=scopes[0]["variablesReference"])
        values = {v["name"]: v["value"] for v in local["body"]["variables"]}
        assert values.get("sku") == "'MUG-02'", values
        # The current event is the last one the failed task applied: the second signal.
        current = [m["body"] for m in adapter.messages
                   if m.get("event") == "temporal/currentEvent"]
        assert current and current[-1]["eventId"] == 18
        # Going back from the failure: to the signal the failed task applied last, on the
        # first line its code ran (the replay runs again up to there).
        assert adapter.request(8, "stepBack", threadId=thread)["success"]
        back = wait_for(adapter, lambda m: m.get("event") == "stopped" and m is not stopped)
        assert back["body"]["description"] == "Event 18 WorkflowExecutionSignaled (add_item)"
        top = _frames(adapter, 9, back["body"]["threadId"])[0]
        assert top["source"]["path"] == str(WORKFLOWS)


def test_a_deadlock_stops_on_the_spinning_line() -> None:
    with adapter_session() as adapter:
        stopped = _launch(adapter, "deadlock.json", deadlockTimeout=1.0)
        assert stopped["body"]["description"] == "Deadlock: the workflow task never yields"
        thread = stopped["body"]["threadId"]
        top = _frames(adapter, 4, thread)[0]
        assert (top["name"], top["line"]) == ("_wait_until_settled", _marker("spin"))
        info = adapter.request(5, "exceptionInfo", threadId=thread)["body"]
        assert info["exceptionId"] == "WorkflowDeadlock"
        adapter.request(6, "continue", threadId=thread)
        wait_for(adapter, lambda m: m.get("event") == "terminated")


def test_the_workflow_failure_filter_stops_where_the_failure_was_raised() -> None:
    with adapter_session() as adapter:
        adapter.send(2, "launch", historyFile="incidents/failed.json", cwd=str(EXAMPLES),
                     python=sys.executable, workflow="incidents.workflows")
        wait_for(adapter, lambda m: m.get("event") == "initialized")
        adapter.request(3, "setExceptionBreakpoints",
                        filters=["temporal.taskFailure", "temporal.workflowFailure"])
        adapter.request(4, "configurationDone")
        stopped = wait_for(adapter, lambda m: m.get("event") in ("stopped", "terminated"))
        assert stopped["event"] == "stopped", adapter.messages
        assert stopped["body"]["reason"] == "exception"
        assert stopped["body"]["description"].startswith(
            "Workflow failed: Event 11 WorkflowExecutionFailed")
        thread = stopped["body"]["threadId"]
        top = _frames(adapter, 5, thread)[0]
        assert (top["name"], top["line"]) == ("_check", _marker("invalid_refund"))
        info = adapter.request(6, "exceptionInfo", threadId=thread)["body"]
        assert info["exceptionId"] == "WorkflowFailed"
