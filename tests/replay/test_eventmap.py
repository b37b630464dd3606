"""Event-map correctness on the bundled examples: each event -> the expected user line."""

from __future__ import annotations

from pathlib import Path

import pytest

from replaydbg.replay import EventMap
from tests.replay.conftest import CHANGED, EXAMPLES, marker_lines
from tests.replay.helpers import replay


def _lines(event_map: EventMap, file: Path) -> dict[int, tuple[str, str, int | None]]:
    out = {}
    for mapping in event_map:
        line = mapping.line
        at = line.line if line is not None and line.file == str(file) else None
        out[mapping.event_id] = (mapping.event_type, mapping.role, at)
    return out


@pytest.mark.parametrize("sandbox", [True, False], ids=["sandbox", "no-sandbox"])
def test_greeting_every_event_maps_to_its_line(sandbox: bool) -> None:
    file = EXAMPLES / "greeting" / "original_workflows.py"
    m = marker_lines(file)
    report = replay(EXAMPLES / "greeting" / "history.json",
                    "greeting.original_workflows:GreetingWorkflow", sandbox=sandbox)
    assert report.ok
    got = _lines(report.event_map, file)
    assert got[1] == ("WorkflowExecutionStarted", "applied", m["fetch"])
    assert got[5] == ("ActivityTaskScheduled", "command", m["fetch"])
    assert got[6] == ("ActivityTaskStarted", "server", None)
    assert got[7] == ("ActivityTaskCompleted", "applied", m["fetch"])  # resumes at the await
    assert got[11] == ("ActivityTaskScheduled", "command", m["compose"])
    assert got[17] == ("TimerStarted", "command", m["delay"])
    assert got[18] == ("TimerFired", "applied", m["delay"])
    assert got[22] == ("ActivityTaskScheduled", "command", m["send"])
    assert got[28] == ("ActivityTaskScheduled", "command", m["record"])
    assert got[34] == ("WorkflowExecutionCompleted", "command", None)
    assert report.event_map[34].note.startswith("complete workflow execution")
    roles = {mapping.role for mapping in report.event_map}
    assert "unmapped" not in roles


@pytest.mark.parametrize("sandbox", [True, False], ids=["sandbox", "no-sandbox"])
def test_a_completion_resumes_the_helper_that_awaited_it(sandbox: bool) -> None:
    # The activity is awaited two helpers down from ``run``: its completion resumes that
    # helper's await, not the ``run`` line that called the first helper.
    file = CHANGED / "helpers.py"
    m = marker_lines(file)
    report = replay(EXAMPLES / "greeting" / "history.json", "helpers:GreetingWorkflow",
                    sandbox=sandbox)
    assert report.ok
    got = _lines(report.event_map, file)
    assert got[7] == ("ActivityTaskCompleted", "applied", m["fetch"])
    assert got[13] == ("ActivityTaskCompleted", "applied", m["compose"])
    assert report.event_map[13].next_line.function == "_compose"
    assert got[18] == ("TimerFired", "applied", m["delay"])
    assert got[24] == ("ActivityTaskCompleted", "applied", m["send"])
    assert got[30] == ("ActivityTaskCompleted", "applied", m["record"])


def test_a_command_issued_in_a_task_names_the_line_that_started_the_task() -> None:
    # asyncio.gather wraps workflow.sleep in a task: the SDK's code issues the timer there
    # with no user frame on the stack (not "after the workflow code returned").
    file = CHANGED / "gathered.py"
    line = marker_lines(file)["delay"]
    report = replay(EXAMPLES / "greeting" / "history.json", "gathered:GreetingWorkflow")
    assert report.ok
    timer = report.event_map[17]
    assert (timer.event_type, timer.role, timer.source) == ("TimerStarted", "command", None)
    assert f"issued by library code in a task started at tests/replay/changed/gathered.py:{line} "\
           "(run)" in timer.note
    assert "after the workflow code returned" not in timer.note
    assert report.event_map[34].note.endswith("(issued by the SDK after the workflow code "
                                              "returned)")


def test_orders_rich_history_maps_every_kind_of_event() -> None:
    file = EXAMPLES / "orders" / "workflows.py"
    m = marker_lines(file)
    report = replay(EXAMPLES / "orders" / "history.json", "orders.workflows:OrderWorkflow")
    assert report.ok, report.error
    assert report.warnings == []
    by_type: dict[str, list[tuple[str, int | None]]] = {}
    for event_type, role, line in _lines(report.event_map, file).values():
        by_type.setdefault(event_type, []).append((role, line))
    assert ("unmapped", None) not in [x for v in by_type.values() for x in v]
    assert by_type["MarkerRecorded"][0] == ("applied", m["clean_address"])  # local activity
    assert ("command", m["patch_loyalty"]) in by_type["MarkerRecorded"]
    assert by_type["ActivityTaskScheduled"][:2] == [("command", m["remind"]),
                                                    ("command", m["charge"])]
    assert ("command", m["award_points"]) in by_type["ActivityTaskScheduled"]
    assert by_type["TimerStarted"] == [("command", m["wait_approval"]),
                                       ("command", m["fraud_review"])]
    assert by_type["TimerCanceled"] == [("command", m["wait_approval"])]
    assert by_type["ActivityTaskCancelRequested"] == [("command", m["cancel_reminders"])]
    assert by_type["ActivityTaskCanceled"] == [("applied", m["reminders_stopped"])]
    assert by_type["WorkflowExecutionSignaled"] == [("applied", m["on_add_item"]),
                                                    ("applied", m["on_approve"])]
    assert by_type["WorkflowExecutionUpdateAccepted"] == [("command", m["on_apply_coupon"])]
    assert by_type["WorkflowExecutionUpdateCompleted"] == [("command", m["on_apply_coupon"])]
    [completed] = [e for e in report.event_map
                   if e.event_type == "WorkflowExecutionUpdateCompleted"]
    assert completed.handler_end is not None
    assert (completed.handler_end.line, completed.handler_raised) == (m["coupon_applied"], False)
    assert by_type["StartChildWorkflowExecutionInitiated"] == [("command", m["start_shipping"])]
    assert by_type["ChildWorkflowExecutionStarted"] == [("applied", m["start_shipping"])]
    assert by_type["ChildWorkflowExecutionCompleted"] == [("applied", m["shipped"])]
    assert by_type["SignalExternalWorkflowExecutionInitiated"] == [("command", m["signal_packed"])]
    assert by_type["ExternalWorkflowExecutionSignaled"] == [("applied", m["signal_packed"])]
    assert by_type["WorkflowPropertiesModified"] == [("command", m["memo_tracking"])]
    assert ("command", m["status_approved"]) in by_type["UpsertWorkflowSearchAttributes"]
    assert ("command", m["status_shipped"]) in by_type["UpsertWorkflowSearchAttributes"]
    # The core's TemporalChangeVersion upsert belongs to the patch line.
    assert ("command", m["patch_loyalty"]) in by_type["UpsertWorkflowSearchAttributes"]
    assert by_type["WorkflowExecutionCompleted"] == [("command", None)]


def test_lifecycle_continue_as_new_task_failure_and_external_cancel() -> None:
    file = EXAMPLES / "lifecycle" / "workflows.py"
    m = marker_lines(file)
    report = replay(EXAMPLES / "lifecycle" / "history.json", "lifecycle")
    assert report.ok, report.error
    got = _lines(report.event_map, file)
    failed = [i for i, (t, _, _) in got.items() if t == "WorkflowTaskFailed"]
    assert failed, "the recorded history has a failed workflow task"
    assert got[failed[0]][1] == "workflow-task"
    assert "injected fault" in report.event_map[failed[0]].note
    found = {t: (role, line) for t, role, line in got.values()}
    assert found["RequestCancelExternalWorkflowExecutionInitiated"] == ("command",
                                                                        m["cancel_trial"])
    assert found["ExternalWorkflowExecutionCancelRequested"] == ("applied", m["cancel_trial"])
    # continue_as_new() raises; the SDK issues the command from the exception's line.
    assert found["WorkflowExecutionContinuedAsNew"] == ("command", m["continue_as_new"])


def test_lifecycle_cancelled_workflow() -> None:
    file = EXAMPLES / "lifecycle" / "workflows.py"
    m = marker_lines(file)
    report = replay(EXAMPLES / "lifecycle" / "history_trial.json", "lifecycle")
    assert report.ok, report.error
    found = {t: (role, line) for t, role, line in _lines(report.event_map, file).values()}
    assert found["WorkflowExecutionCancelRequested"] == ("applied", m["trial_period"])
    assert found["TimerCanceled"] == ("command", m["trial_period"])
    assert found["ActivityTaskScheduled"] == ("command", m["close_trial"])
    assert found["WorkflowExecutionCanceled"] == ("command", m["trial_period"])
