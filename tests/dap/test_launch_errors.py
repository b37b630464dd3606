"""A launch that cannot go on: said once, in the editor's terms, and nothing waits forever."""

from __future__ import annotations

import sys
from pathlib import Path

from tests.support.dap_client import adapter_session, wait_for

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_an_ambiguous_workflow_names_the_launch_attribute_and_later_requests_fail() -> None:
    with adapter_session() as adapter:
        # Two classes in examples/greeting have the history's workflow type.
        adapter.send(2, "launch", historyFile="greeting/history.json", cwd=str(EXAMPLES),
                     python=sys.executable)
        launch = adapter.response(2, timeout=60)
        assert not launch["success"]
        assert "several workflows have type 'GreetingWorkflow'" in launch["message"]
        assert 'the launch attribute "workflow": package.module:Class' in launch["message"]
        assert "--workflow" not in launch["message"]
        wait_for(adapter, lambda m: m.get("event") == "terminated")
        # The editor may still send what it was about to: each gets an answer. Ending the
        # configuration of an ended session asks nothing (a failure would be a second toast).
        assert adapter.request(3, "configurationDone")["success"]
        assert adapter.request(4, "threads")["body"] == {"threads": []}
        # A request that asks something of the session is refused, saying why.
        stack = adapter.request(5, "stackTrace", threadId=1)
        assert not stack["success"] and "ended" in stack["message"]
    assert adapter.proc.returncode == 0


def test_a_configuration_done_pending_when_the_launch_fails_is_no_second_error() -> None:
    """VS Code ends the configuration on ``initialized``; a failed answer is a toast in it."""
    with adapter_session() as adapter:
        adapter.send(2, "launch", historyFile="greeting/history.json", cwd=str(EXAMPLES),
                     python=sys.executable)
        wait_for(adapter, lambda m: m.get("event") == "initialized")
        adapter.send(3, "configurationDone")
        assert not adapter.response(2, timeout=60)["success"]
        assert adapter.response(3, timeout=30)["success"]
        wait_for(adapter, lambda m: m.get("event") == "terminated")


def test_an_interpreter_without_temporalio_is_named_with_the_fix() -> None:
    with adapter_session() as adapter:
        # -S: no site-packages, so temporalio cannot be imported (replaydbg still can).
        adapter.send(2, "launch", historyFile="greeting/history.json", cwd=str(EXAMPLES),
                     python=[sys.executable, "-S"],
                     workflow="greeting.original_workflows:GreetingWorkflow")
        launch = adapter.response(2, timeout=60)
        assert not launch["success"]
        assert launch["message"].startswith(f"the interpreter {sys.executable} cannot import "
                                            "'temporalio'")
        assert f"{sys.executable} -m pip install temporalio" in launch["message"]
        wait_for(adapter, lambda m: m.get("event") == "terminated")
