"""The recorded incident histories have the shapes the docs promise, and the SDK's replayer
behaves on them as examples/README.md says.

Each stuck history was fetched while its workflow was stuck: it ends with the retry in flight
(WorkflowTaskScheduled with attempt >= 2, WorkflowTaskStarted), which the SDK's fetch shows and
`temporal workflow show` does not (`*_cli.json`). Each failure's stack trace points at the
marked line that raised.
"""

from __future__ import annotations

import asyncio
import json
import re
from pathlib import Path
from typing import Any

import pytest
from temporalio.client import WorkflowHistory
from temporalio.worker import (
    Interceptor,
    Replayer,
    StartActivityInput,
    WorkflowInboundInterceptor,
    WorkflowInterceptorClassInput,
    WorkflowOutboundInterceptor,
)
from temporalio.workflow import ActivityHandle

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
INCIDENTS = EXAMPLES / "incidents"
MARKER = re.compile(r"#\s*@([\w-]+)\s*$")

# history -> (persisted failures, failure type, message start, marker of the raising line)
STUCK = {
    "stuck.json": (3, "KeyError", "'MUG-02'", "lookup"),
    "restricted.json": (
        2, "RestrictedWorkflowAccessError", "Cannot access datetime.datetime.now.__call__",
        "wall_clock",
    ),
    "deadlock.json": (
        2, "_DeadlockError",
        "[TMPRL1101] Potential deadlock detected: workflow didn't yield within 2 second(s).",
        "spin",
    ),
}


def events(name: str) -> list[dict[str, Any]]:
    loaded: list[dict[str, Any]] = json.loads((INCIDENTS / name).read_text())["events"]
    return loaded


def marker_line(name: str) -> int:
    for number, line in enumerate((INCIDENTS / "workflows.py").read_text().splitlines(), 1):
        match = MARKER.search(line)
        if match and match[1] == name:
            return number
    raise AssertionError(f"no @{name} in incidents/workflows.py")


def raised_at(failure: dict[str, Any], marker: str) -> None:
    where = f'incidents/workflows.py", line {marker_line(marker)}'
    assert where in failure["stackTrace"], failure["stackTrace"]


@pytest.mark.parametrize("name", sorted(STUCK))
def test_stuck_history_ends_mid_task(name: str) -> None:
    count, failure_type, message, marker = STUCK[name]
    recorded = events(name)
    assert [e["eventType"] for e in recorded[-2:]] == [
        "EVENT_TYPE_WORKFLOW_TASK_SCHEDULED", "EVENT_TYPE_WORKFLOW_TASK_STARTED",
    ]
    assert recorded[-2]["workflowTaskScheduledEventAttributes"]["attempt"] >= 2
    failed = [e["workflowTaskFailedEventAttributes"] for e in recorded
              if e["eventType"] == "EVENT_TYPE_WORKFLOW_TASK_FAILED"]
    assert len(failed) == count
    for attributes in failed:
        assert attributes["cause"] == "WORKFLOW_TASK_FAILED_CAUSE_WORKFLOW_WORKER_UNHANDLED_FAILURE"
        assert attributes["failure"]["applicationFailureInfo"]["type"] == failure_type
        assert attributes["failure"]["message"].startswith(message)
        raised_at(attributes["failure"], marker)


@pytest.mark.parametrize("name", sorted(STUCK))
def test_cli_copy_lacks_only_the_transient_retry(name: str) -> None:
    shown = events(name.replace(".json", "_cli.json"))
    assert shown == events(name)[:-2]
    assert shown[-1]["eventType"] == "EVENT_TYPE_WORKFLOW_TASK_FAILED"


def test_timed_out_history_records_two_timeouts_then_attempt_2() -> None:
    recorded = events("timed_out.json")
    timed_out = [e for e in recorded if e["eventType"] == "EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT"]
    assert [e["workflowTaskTimedOutEventAttributes"]["timeoutType"] for e in timed_out] == [
        "TIMEOUT_TYPE_START_TO_CLOSE", "TIMEOUT_TYPE_START_TO_CLOSE",
    ]
    assert not any(e["eventType"] == "EVENT_TYPE_WORKFLOW_TASK_FAILED" for e in recorded)
    scheduled = [e["workflowTaskScheduledEventAttributes"] for e in recorded
                 if e["eventType"] == "EVENT_TYPE_WORKFLOW_TASK_SCHEDULED"]
    # The first worker's sticky queue, then the normal queue (attempt 1 again), then the
    # transient attempt 2 that no worker has started.
    assert [(s["taskQueue"]["kind"], s["attempt"]) for s in scheduled[1:]] == [
        ("TASK_QUEUE_KIND_STICKY", 1), ("TASK_QUEUE_KIND_NORMAL", 1),
        ("TASK_QUEUE_KIND_NORMAL", 2),
    ]
    assert {s["startToCloseTimeout"] for s in scheduled} == {"2s"}
    assert recorded[-1]["eventType"] == "EVENT_TYPE_WORKFLOW_TASK_SCHEDULED"
    assert events("timed_out_cli.json") == recorded[:-1]


def test_failed_history_ends_in_the_helpers_failure() -> None:
    last = events("failed.json")[-1]
    assert last["eventType"] == "EVENT_TYPE_WORKFLOW_EXECUTION_FAILED"
    failure = last["workflowExecutionFailedEventAttributes"]["failure"]
    assert failure["message"] == "refund R-9: -500 cents is not positive"
    assert failure["applicationFailureInfo"] == {"type": "BadRefund", "nonRetryable": True}
    raised_at(failure, "invalid_refund")


class ActivityLog(Interceptor):
    """Records the type of every activity a replayed workflow schedules."""

    def __init__(self) -> None:
        self.started: list[str] = []

    def workflow_interceptor_class(
        self, input: WorkflowInterceptorClassInput,
    ) -> type[WorkflowInboundInterceptor]:
        started = self.started

        class Outbound(WorkflowOutboundInterceptor):
            def start_activity(self, input: StartActivityInput) -> ActivityHandle[Any]:
                started.append(input.activity)
                return super().start_activity(input)

        class Inbound(WorkflowInboundInterceptor):
            def init(self, outbound: WorkflowOutboundInterceptor) -> None:
                super().init(Outbound(outbound))

        return Inbound


def replay(name: str, module: str) -> tuple[BaseException | None, list[str]]:
    """The replayer's verdict on one history, and the activities the code scheduled."""
    import importlib

    workflows = importlib.import_module(module)
    log = ActivityLog()
    replayer = Replayer(
        workflows=[workflows.StuckOrderWorkflow, workflows.NightlyReportWorkflow],
        interceptors=[log], debug_mode=False,
    )
    history = WorkflowHistory.from_json(name, json.loads((INCIDENTS / name).read_text()))
    result = asyncio.run(replayer.replay_workflow(history, raise_on_replay_failure=False))
    return result.replay_failure, log.started


@pytest.fixture(autouse=True)
def _examples_importable(monkeypatch: pytest.MonkeyPatch) -> None:
    # The sandbox re-imports workflow modules by name.
    monkeypatch.syspath_prepend(str(EXAMPLES))


@pytest.mark.parametrize(
    ("name", "buggy", "fixed"),
    [
        ("stuck.json", ["load_price_list"], ["load_price_list", "flag_unknown_item"]),
        ("restricted.json", ["build_report"], ["build_report", "publish_report"]),
    ],
)
def test_fixed_code_completes_the_stuck_task(name: str, buggy: list[str], fixed: list[str]) -> None:
    # The SDK reports no failure for the buggy code either: a task that fails at the end of
    # the history is only logged (the gap replaydbg's stuck-workflow replay closes).
    assert replay(name, "incidents.workflows") == (None, buggy)
    assert replay(name, "incidents.fixed_workflows") == (None, fixed)
