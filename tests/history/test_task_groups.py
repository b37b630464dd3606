"""Grouping events by workflow task, as the history view and the Temporal scope show them."""

from __future__ import annotations

from pathlib import Path

from replaydbg.history import event_type_name, load_history
from replaydbg.history.task_groups import TaskGroup, group_by_workflow_task

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_a_group_is_what_a_task_saw_and_the_commands_it_issued() -> None:
    history = load_history(EXAMPLES / "greeting" / "history.json")
    groups = group_by_workflow_task([event_type_name(e.event_type) for e in history.events])
    assert [(g.first, g.last) for g in groups] == [
        (1, 5), (6, 11), (12, 17), (18, 22), (23, 28), (29, 34)]
    assert {g.outcome for g in groups} == {"completed"}
    assert groups[1].label == "Workflow task 2 · events 6–11"


def test_a_failed_task_owns_no_command_events_and_history_may_end_mid_task() -> None:
    types = ["WorkflowExecutionStarted", "WorkflowTaskScheduled", "WorkflowTaskStarted",
             "WorkflowTaskFailed", "TimerStarted", "WorkflowTaskScheduled",
             "WorkflowTaskStarted"]
    assert group_by_workflow_task(types) == [
        TaskGroup(1, 1, 4, "failed"), TaskGroup(2, 5, 7, "pending")]


def test_no_events_no_groups_and_one_event_is_labelled_alone() -> None:
    assert group_by_workflow_task([]) == []
    assert group_by_workflow_task(["WorkflowExecutionStarted"])[0].label == \
        "Workflow task 1 · event 1"
