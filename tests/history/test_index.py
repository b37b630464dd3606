"""HistoryIndex on real histories: exact answers on the recorded one, and agreement with a
brute-force scan on every sample."""

from __future__ import annotations

from pathlib import Path

import pytest
from temporalio.api.enums.v1 import EventType as E
from temporalio.api.history.v1 import HistoryEvent

from replaydbg.history import History, HistoryIndex, load_history
from tests.history import samples


@pytest.fixture(scope="module")
def index(rich: History) -> HistoryIndex:
    return HistoryIndex(rich)


def _ids(events: object) -> list[int]:
    return [event.event_id for event in events]  # type: ignore[attr-defined]


class TestRichHistory:
    def test_event_by_id(self, index: HistoryIndex) -> None:
        assert index.event(10).event_type == E.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED
        for missing in (0, 81, -1):
            with pytest.raises(KeyError):
                index.event(missing)

    def test_workflow_tasks_include_the_failed_one(self, index: HistoryIndex) -> None:
        tasks = index.workflow_tasks
        assert len(tasks) == 14
        assert (tasks[0].scheduled_id, tasks[0].started_id, tasks[0].completed_id) == (2, 4, 5)
        failed = tasks[1]
        assert (failed.scheduled_id, failed.started_id, failed.completed_id, failed.failed_id) == (
            13, 14, None, 15,
        )

    def test_task_by_started_id(self, index: HistoryIndex) -> None:
        task = index.workflow_task_started_at(17)
        assert task is not None and task.completed_id == 18
        assert index.workflow_task_started_at(18) is None

    @pytest.mark.parametrize(
        ("completed", "expected"),
        [(5, [8, 9, 10]), (18, [19, 20]), (24, [25, 26]), (30, [31, 32]), (43, [44]),
         (77, [78, 79, 80]), (12, [])],
    )
    def test_command_events(self, index: HistoryIndex, completed: int, expected: list[int]) -> None:
        # After event 5 the update's Accepted/Completed (6, 7) come first: not commands.
        assert _ids(index.command_events_after(completed)) == expected

    def test_activities(self, index: HistoryIndex) -> None:
        assert _ids([index.activity_scheduled("1")]) == [10]
        assert index.activity_scheduled("99") is None
        assert repr(index.activity(10)) == "ActivityEvents(scheduled=10, started=11, outcome=12)"
        cancelled = index.activity(38)
        assert repr(cancelled) == (
            "ActivityEvents(scheduled=38, started=45, cancel_requested=44, outcome=46)"
        )
        outcome = index.activity_outcome(32)
        assert outcome is not None and outcome.event_type == E.EVENT_TYPE_ACTIVITY_TASK_FAILED
        assert index.activity_outcome(10_000) is None

    def test_timers(self, index: HistoryIndex) -> None:
        assert repr(index.timer("1")) == "TimerEvents(started=20, fired=21)"
        assert repr(index.timer("3")) == "TimerEvents(started=26, canceled=31)"
        assert index.timer("nope") is None

    def test_children_and_external_workflows(self, index: HistoryIndex) -> None:
        assert repr(index.child_workflow(50)) == (
            "ChildWorkflowEvents(initiated=50, started=51, outcome=60)"
        )
        cancelled = index.child_workflow(64)
        assert cancelled is not None and cancelled.outcome is not None
        assert cancelled.outcome.event_type == E.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_CANCELED
        assert repr(index.external_signal(55)) == "ExternalEvents(initiated=55, outcome=56)"
        assert repr(index.external_cancel(69)) == "ExternalEvents(initiated=69, outcome=70)"
        assert index.external_signal(69) is None

    def test_markers(self, index: HistoryIndex) -> None:
        assert _ids(index.markers) == [8, 19]
        assert index.patch_ids == ("rich-patch",)
        assert _ids([index.patch_marker("rich-patch")]) == [8]
        assert index.patch_marker("other") is None
        # seq 2: the activity (seq 1) and the local activity share one sequence counter.
        assert _ids([index.local_activity_marker(2)]) == [19]
        assert index.local_activity_marker(1) is None

    def test_signals_updates_cancel_requests(self, index: HistoryIndex) -> None:
        assert _ids(index.signals) == [3]
        update_id = index.event(6).workflow_execution_update_accepted_event_attributes
        assert repr(index.update(update_id.protocol_instance_id)) == (
            "UpdateEvents(accepted=6, completed=7)"
        )
        assert index.update("nope") is None
        assert index.cancel_requests == ()


def test_cancel_requests_in_order(peers: list[Path]) -> None:
    path = next(p for p in peers if "swallowed_activity_cancellation" in p.name)
    history = load_history(path)
    expected = [
        e.event_id for e in history.events
        if e.event_type == E.EVENT_TYPE_WORKFLOW_EXECUTION_CANCEL_REQUESTED
    ]
    assert expected and _ids(HistoryIndex(history).cancel_requests) == expected


def _of(history: History, *types: int) -> list[HistoryEvent]:
    return [e for e in history.events if e.event_type in types]


@pytest.mark.parametrize("src", samples.sample_paths(), ids=lambda p: p.stem)
def test_index_agrees_with_a_scan(src: Path) -> None:
    history = load_history(src)
    index = HistoryIndex(history)
    for event in _of(history, E.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED):
        attrs = event.activity_task_scheduled_event_attributes
        assert index.activity_scheduled(attrs.activity_id) == event
    for event in _of(history, E.EVENT_TYPE_ACTIVITY_TASK_COMPLETED):
        scheduled = event.activity_task_completed_event_attributes.scheduled_event_id
        assert index.activity_outcome(scheduled) == event
    for event in _of(history, E.EVENT_TYPE_TIMER_FIRED):
        timer = index.timer(event.timer_fired_event_attributes.timer_id)
        assert timer is not None and timer.fired == event
    assert list(index.signals) == _of(history, E.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED)
    completed = _of(history, E.EVENT_TYPE_WORKFLOW_TASK_COMPLETED)
    assert [t.completed_id for t in index.workflow_tasks if t.completed_id] == _ids(completed)
    for event in _of(history, E.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED):
        meta = event.workflow_execution_update_completed_event_attributes.meta
        update = index.update(meta.update_id)
        assert update is not None and update.completed == event and update.accepted is not None


_COMMAND_EVENTS = {
    E.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED, E.EVENT_TYPE_ACTIVITY_TASK_CANCEL_REQUESTED,
    E.EVENT_TYPE_TIMER_STARTED, E.EVENT_TYPE_TIMER_CANCELED, E.EVENT_TYPE_MARKER_RECORDED,
    E.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED,
    E.EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED,
    E.EVENT_TYPE_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED,
    E.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES, E.EVENT_TYPE_WORKFLOW_PROPERTIES_MODIFIED,
    E.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED, E.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED,
    E.EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED, E.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW,
}
_UPDATE_EVENTS = {
    E.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED,
    E.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_REJECTED,
    E.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED,
}


@pytest.mark.parametrize("src", samples.sample_paths(), ids=lambda p: p.stem)
def test_command_events_are_the_command_run_after_each_completion(src: Path) -> None:
    # Positional definition, independent of the index's: after a WorkflowTaskCompleted, the
    # run of command-produced events (update protocol events may sit among them).
    history = load_history(src)
    index = HistoryIndex(history)
    for position, event in enumerate(history.events):
        if event.event_type != E.EVENT_TYPE_WORKFLOW_TASK_COMPLETED:
            continue
        expected = []
        for following in history.events[position + 1 :]:
            if following.event_type in _UPDATE_EVENTS:
                continue
            if following.event_type not in _COMMAND_EVENTS:
                break
            expected.append(following.event_id)
        assert _ids(index.command_events_after(event.event_id)) == expected
