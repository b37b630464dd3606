"""What a history records of its failed workflow tasks: cause, failure, stack, attempts.

A stuck workflow's history ends in the workflow task the server keeps retrying: after its
last ``WorkflowTaskCompleted`` come ``WorkflowTaskFailed`` (or ``…TimedOut``) events and
often a trailing ``WorkflowTaskScheduled``/``Started`` (the attempt in flight). Each failure
carries what the worker's SDK said: a cause, the exception's type and message, and for Python
workers the traceback as text, from which the raising line can be read.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from temporalio.api.enums.v1 import EventType, WorkflowTaskFailedCause
from temporalio.api.history.v1 import HistoryEvent

from replaydbg.history.text import enum_label

_FRAME = re.compile(r'^\s*File "([^"]+)", line (\d+), in (\S+)', re.MULTILINE)
_LIBRARY = ("site-packages", "dist-packages", "<frozen", "/lib/python3", "\\lib\\python3")
_COMPLETED = EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED
_FAILED = EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED
_TIMED_OUT = EventType.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT
_SCHEDULED = EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED
_STARTED = EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED


@dataclass(frozen=True)
class StackFrame:
    """One ``File "…", line N, in f`` line of a recorded traceback."""

    file: str
    line: int
    function: str

    def short(self) -> str:
        """``workflows.py:18 (lookup)``: how the trace names a line."""
        name = re.split(r"[\\/]", self.file)[-1]
        return f"{name}:{self.line} ({self.function})"


@dataclass(frozen=True)
class RecordedTaskFailure:
    """One ``WorkflowTaskFailed`` or ``WorkflowTaskTimedOut`` event."""

    event_id: int
    started_event_id: int
    #: ``WorkflowWorkerUnhandledFailure``, ``NonDeterministicError``...; ``TimedOut``.
    cause: str
    #: The exception's type as the worker recorded it (``KeyError``), when it did.
    failure_type: str | None
    message: str
    stack_trace: str = ""
    #: The frames of ``stack_trace`` that are the user's (no library), outermost first.
    user_frames: tuple[StackFrame, ...] = ()

    @property
    def raised_at(self) -> StackFrame | None:
        """The innermost user frame: the line that raised."""
        return self.user_frames[-1] if self.user_frames else None

    @property
    def deadlock(self) -> bool:
        """The worker's deadlock detector failed the task ([TMPRL1101])."""
        return "TMPRL1101" in self.message or "deadlock" in self.message.lower()


@dataclass(frozen=True)
class StuckTask:
    """The workflow task a history ends in, still failing (the server retries it)."""

    #: The task's failed attempts the history records, oldest first.
    failures: tuple[RecordedTaskFailure, ...]
    #: The highest attempt number the server scheduled for it.
    attempt: int
    #: The id of the last WorkflowTaskStarted: the replay's activation for this task.
    last_started: int
    #: The events delivered to the task (signals, updates, results...): what it applies.
    delivered: tuple[int, ...] = field(default=())

    @property
    def latest(self) -> RecordedTaskFailure:
        """The most recent recorded failure (the one to compare a replay with)."""
        return self.failures[-1]


def task_failure(event: HistoryEvent) -> RecordedTaskFailure | None:
    """The recorded failure of a WorkflowTaskFailed/TimedOut event, None for others."""
    if event.event_type == _FAILED:
        attrs = event.workflow_task_failed_event_attributes
        failure = attrs.failure
        info = failure.application_failure_info if failure.HasField(
            "application_failure_info") else None
        return RecordedTaskFailure(
            event.event_id, attrs.started_event_id,
            enum_label(WorkflowTaskFailedCause, attrs.cause), info.type if info else None,
            failure.message, failure.stack_trace, user_frames(failure.stack_trace))
    if event.event_type == _TIMED_OUT:
        attrs_t = event.workflow_task_timed_out_event_attributes
        return RecordedTaskFailure(event.event_id, attrs_t.started_event_id, "TimedOut", None,
                                   "the workflow task timed out (the worker never completed it)")
    return None


def user_frames(stack_trace: str) -> tuple[StackFrame, ...]:
    """The frames of a Python traceback text that are not in an installed library."""
    return tuple(StackFrame(m.group(1), int(m.group(2)), m.group(3))
                 for m in _FRAME.finditer(stack_trace)
                 if not any(part in m.group(1) for part in _LIBRARY))


def stuck_task(events: Sequence[HistoryEvent]) -> StuckTask | None:
    """The failing task a history ends in; None when no task failed after the last one done."""
    last_completed = max((i for i, e in enumerate(events) if e.event_type == _COMPLETED),
                         default=-1)
    tail = events[last_completed + 1:]
    failures = tuple(f for e in tail if (f := task_failure(e)) is not None)
    if not failures:
        return None
    attempts = [e.workflow_task_scheduled_event_attributes.attempt for e in tail
                if e.event_type == _SCHEDULED]
    started = [e.event_id for e in tail if e.event_type == _STARTED]
    workflow_task = {_SCHEDULED, _STARTED, _FAILED, _TIMED_OUT}
    delivered = tuple(e.event_id for e in tail if e.event_type not in workflow_task)
    return StuckTask(failures, max(attempts, default=1), max(started, default=0), delivered)
