"""Lookups over one history, built in a single pass, for mapping replay to events.

The replay engine relates SDK jobs to history events by id (``fire_timer.seq`` is a timer id,
``resolve_activity.seq`` an activity id, a local activity's ``seq`` is in its marker) and
commands to events by position after a WorkflowTaskCompleted. Scanning the history for each
of those would be quadratic on long histories; ``HistoryIndex`` answers each in O(1).

The index is immutable once built and hands out the history's own event objects: read them,
do not mutate them. Missing entries give None or an empty list, never an exception, because a
history saved mid-flight legitimately lacks completions.
"""

from __future__ import annotations

from collections.abc import Sequence

from temporalio.api.history.v1 import HistoryEvent

from replaydbg.history.index_build import build_tables
from replaydbg.history.index_records import (
    ActivityEvents,
    ChildWorkflowEvents,
    ExternalEvents,
    TimerEvents,
    UpdateEvents,
    WorkflowTask,
)
from replaydbg.history.model import History

__all__ = [
    "ActivityEvents",
    "ChildWorkflowEvents",
    "ExternalEvents",
    "HistoryIndex",
    "TimerEvents",
    "UpdateEvents",
    "WorkflowTask",
]


class HistoryIndex:
    """Fast lookups over the events of a validated ``history`` (ids run 1..n)."""

    def __init__(self, history: History) -> None:
        self.history = history
        self._events: Sequence[HistoryEvent] = history.events
        self._t = build_tables(history.events)

    # -- events and workflow tasks

    def event(self, event_id: int) -> HistoryEvent:
        """The event with ``event_id``; ``KeyError`` if the history has no such event."""
        if 1 <= event_id <= len(self._events):
            return self._events[event_id - 1]
        raise KeyError(f"no event {event_id} in a history of {len(self._events)} events")

    @property
    def workflow_tasks(self) -> Sequence[WorkflowTask]:
        """Every workflow task in order, failed and timed-out attempts included."""
        return tuple(self._t.tasks)

    def workflow_task_started_at(self, started_id: int) -> WorkflowTask | None:
        """The task whose WorkflowTaskStarted event is ``started_id``.

        An activation's ``history_length`` is such an id: this finds the task it replays.
        """
        position = self._t.task_by_started.get(started_id)
        return self._t.tasks[position] if position is not None else None

    def command_events_after(self, completed_event_id: int) -> list[HistoryEvent]:
        """The events produced by the commands of the task completed at ``completed_event_id``.

        In command order, so the k-th command of the activation maps to the k-th event. These
        are the events whose ``workflow_task_completed_event_id`` names that completion (the
        server writes them right after it). Update Accepted/Rejected/Completed events are
        protocol messages, not commands: they are not included even when they sit among them.
        """
        return list(self._t.commands.get(completed_event_id, ()))

    # -- activities and timers

    def activity_scheduled(self, activity_id: str) -> HistoryEvent | None:
        """The ActivityTaskScheduled event of ``activity_id`` (``str(resolve_activity.seq)``)."""
        scheduled_id = self._t.activity_scheduled_by_id.get(activity_id)
        return self._events[scheduled_id - 1] if scheduled_id is not None else None

    def activity(self, scheduled_event_id: int) -> ActivityEvents | None:
        """Everything that happened to the activity scheduled at ``scheduled_event_id``."""
        return self._t.activities.get(scheduled_event_id)

    def activity_outcome(self, scheduled_event_id: int) -> HistoryEvent | None:
        """The Completed/Failed/TimedOut/Canceled event of that activity, once it has ended."""
        activity = self._t.activities.get(scheduled_event_id)
        return activity.outcome if activity is not None else None

    def timer(self, timer_id: str) -> TimerEvents | None:
        """TimerStarted/Fired/Canceled of ``timer_id`` (the ``fire_timer.seq``, as a string)."""
        return self._t.timers.get(timer_id)

    # -- other workflows

    def child_workflow(self, initiated_event_id: int) -> ChildWorkflowEvents | None:
        """A child workflow's events, by its StartChildWorkflowExecutionInitiated event id."""
        return self._t.children.get(initiated_event_id)

    def external_signal(self, initiated_event_id: int) -> ExternalEvents | None:
        """A signal sent to another workflow, by its SignalExternal...Initiated event id."""
        return self._t.external_signals.get(initiated_event_id)

    def external_cancel(self, initiated_event_id: int) -> ExternalEvents | None:
        """A cancel request sent to another workflow, by its initiating event id.

        That is a RequestCancelExternalWorkflowExecutionInitiated event; a parent cancelling
        its child produces one too.
        """
        return self._t.external_cancels.get(initiated_event_id)

    # -- markers, signals, cancel requests, updates

    @property
    def markers(self) -> Sequence[HistoryEvent]:
        """Every MarkerRecorded event, in history order."""
        return tuple(self._t.markers)

    def patch_marker(self, patch_id: str) -> HistoryEvent | None:
        """The first ``core_patch`` marker recording ``patch_id`` (``workflow.patched``)."""
        return self._t.patches.get(patch_id)

    @property
    def patch_ids(self) -> Sequence[str]:
        """The patch ids this history records, in order of first appearance."""
        return tuple(self._t.patches)

    def local_activity_marker(self, seq: int) -> HistoryEvent | None:
        """The ``core_local_activity`` marker of the local activity with sequence ``seq``."""
        return self._t.local_activities.get(seq)

    @property
    def signals(self) -> Sequence[HistoryEvent]:
        """Every WorkflowExecutionSignaled event, in history order (= signal job order)."""
        return tuple(self._t.signals)

    @property
    def cancel_requests(self) -> Sequence[HistoryEvent]:
        """Every WorkflowExecutionCancelRequested event, in history order."""
        return tuple(self._t.cancel_requests)

    def update(self, update_id: str) -> UpdateEvents | None:
        """Admitted/Accepted/Rejected/Completed events of the update ``update_id``."""
        return self._t.updates.get(update_id)
