"""The records ``HistoryIndex`` returns: the events that belong to one activity, timer, etc.

Frozen, so the engine can keep them; fields that did not happen (yet) are None.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from temporalio.api.history.v1 import HistoryEvent


class _ShowsEventIds:
    """A repr with event ids only: ``ActivityEvents(scheduled=5, started=6, outcome=7)``.

    The default one would print every event in full, burying test failures and logs.
    """

    def __repr__(self) -> str:
        parts = []
        for item in fields(self):  # type: ignore[arg-type]
            value = getattr(self, item.name)
            if value is not None:
                shown = value.event_id if isinstance(value, HistoryEvent) else value
                parts.append(f"{item.name}={shown}")
        return f"{type(self).__name__}({', '.join(parts)})"


@dataclass(frozen=True)
class WorkflowTask:
    """Event ids of one workflow task; ``failed_id`` is its WorkflowTaskFailed or TimedOut.

    ``started_id`` is None for a task that timed out before a worker picked it up, or that
    was still pending when the history was saved.
    """

    scheduled_id: int
    started_id: int | None = None
    completed_id: int | None = None
    failed_id: int | None = None


@dataclass(frozen=True, repr=False)
class ActivityEvents(_ShowsEventIds):
    """An activity's events; ``outcome`` is Completed, Failed, TimedOut or Canceled."""

    scheduled: HistoryEvent
    started: HistoryEvent | None = None
    cancel_requested: HistoryEvent | None = None
    outcome: HistoryEvent | None = None


@dataclass(frozen=True, repr=False)
class TimerEvents(_ShowsEventIds):
    """A timer's TimerStarted and, if it ended, its TimerFired or TimerCanceled."""

    started: HistoryEvent
    fired: HistoryEvent | None = None
    canceled: HistoryEvent | None = None


@dataclass(frozen=True, repr=False)
class ChildWorkflowEvents(_ShowsEventIds):
    """A child workflow's events.

    ``start_failed`` is StartChildWorkflowExecutionFailed; ``outcome`` the child's Completed,
    Failed, Canceled, TimedOut or Terminated event.
    """

    initiated: HistoryEvent
    started: HistoryEvent | None = None
    start_failed: HistoryEvent | None = None
    outcome: HistoryEvent | None = None


@dataclass(frozen=True, repr=False)
class ExternalEvents(_ShowsEventIds):
    """A signal or cancel request sent to another workflow.

    ``outcome`` is the server's answer: ExternalWorkflowExecutionSignaled / CancelRequested,
    or the matching ...Failed event.
    """

    initiated: HistoryEvent
    outcome: HistoryEvent | None = None


@dataclass(frozen=True, repr=False)
class UpdateEvents(_ShowsEventIds):
    """The events of one workflow update."""

    admitted: HistoryEvent | None = None
    accepted: HistoryEvent | None = None
    rejected: HistoryEvent | None = None
    completed: HistoryEvent | None = None
