"""Stops where replay goes wrong without a command to point at: a missing command, a raise."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from tests.support.dap_client import Adapter, adapter_session, wait_for

ROOT = Path(__file__).resolve().parents[2]
CHANGED = ROOT / "tests" / "replay" / "changed"


def _marker(path: Path, name: str) -> int:
    lines = path.read_text().splitlines()
    return next(i for i, text in enumerate(lines, 1) if f"# @{name}" in text)


def _launch(adapter: Adapter, module: str) -> dict[str, Any]:
    """Replay the greeting history with a changed workflow; returns the first stop."""
    adapter.send(2, "launch", historyFile=str(ROOT / "examples" / "greeting" / "history.json"),
                 cwd=str(CHANGED), python=sys.executable, workflow=f"{module}:GreetingWorkflow",
                 env={"PYTHONPATH": str(ROOT / "examples")})
    wait_for(adapter, lambda m: m.get("event") == "initialized")
    adapter.request(3, "configurationDone")  # non-determinism is on by default
    stopped = wait_for(adapter, lambda m: m.get("event") in ("stopped", "terminated"))
    assert stopped["event"] == "stopped", adapter.messages
    assert stopped["body"]["reason"] == "exception"
    return stopped


def _finish(adapter: Adapter, thread: int) -> str:
    """Continue to the end; returns what the session printed."""
    adapter.request(6, "continue", threadId=thread)
    wait_for(adapter, lambda m: m.get("event") == "terminated")
    return "".join(m["body"]["output"] for m in adapter.messages if m.get("event") == "output")


def test_missing_command_stops_at_the_last_line_that_ran() -> None:
    workflow_file = CHANGED / "removed_activity.py"
    with adapter_session() as adapter:
        stopped = _launch(adapter, "removed_activity")
        assert stopped["body"]["description"] == "Non-determinism"
        thread = stopped["body"]["threadId"]
        top = adapter.request(4, "stackTrace", threadId=thread)["body"]["stackFrames"][0]
        # The line after the resumed ``await`` (as for every event stop, on 3.11 and 3.12):
        # the first line the resumed code runs, here also the last before it completed
        # where history has a command.
        last = _marker(workflow_file, "last")
        assert (top["source"]["path"], top["line"]) == (str(workflow_file), last + 1)
        info = adapter.request(5, "exceptionInfo", threadId=thread)["body"]
        assert info["exceptionId"] == "NondeterminismError"
        assert info["description"].startswith(
            "history has event 28 ActivityTaskScheduled(record_delivery) but the code issued "
            "no command for it")
        assert f"removed_activity.py:{last}" in info["description"]
        said = _finish(adapter, thread)
        assert "Replay diverged from the history (non-determinism): history has event 28 " \
            "ActivityTaskScheduled(record_delivery)" in said
        assert "Temporal says: [TMPRL1100]" in said


def test_code_that_raises_stops_on_the_raising_line_as_a_failed_workflow_task() -> None:
    workflow_file = CHANGED / "raises.py"
    raise_line = _marker(workflow_file, "raise")
    with adapter_session() as adapter:
        stopped = _launch(adapter, "raises")
        assert stopped["body"]["description"] == "Workflow task failed: KeyError"
        thread = stopped["body"]["threadId"]
        frames = adapter.request(4, "stackTrace", threadId=thread)["body"]["stackFrames"]
        # Post mortem, on the line that raised, with the user's frames only.
        assert (frames[0]["source"]["path"], frames[0]["line"]) == (str(workflow_file),
                                                                    raise_line)
        assert all(f["source"]["path"] == str(workflow_file) for f in frames), frames
        info = adapter.request(5, "exceptionInfo", threadId=thread)["body"]
        assert info["exceptionId"] == "WorkflowTaskFailed"
        assert info["details"]["typeName"] == "KeyError"
        assert f'raises.py", line {raise_line}, in run' in info["details"]["stackTrace"]
        # The history completed that task: the code now raises where it did not.
        assert "which the history completed" in info["description"]
        scopes = adapter.request(7, "scopes", frameId=frames[0]["id"])["body"]["scopes"]
        assert [s["name"] for s in scopes][-1] == "Temporal"
        assert "Replay failed: the workflow task started at event " in _finish(adapter, thread)
