"""Group a history's events by workflow task, as a user reads them.

A group holds what arrived since the previous workflow task, the task's own events
(scheduled, started, completed) and the events its commands wrote after it: what one
workflow task "saw and did". The editor client's history view groups the same way, so the
Temporal scope in Variables and the view agree.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

_TASK_END = {"WorkflowTaskCompleted": "completed", "WorkflowTaskFailed": "failed",
             "WorkflowTaskTimedOut": "timed out"}
#: Events a completed workflow task's commands (or protocol messages) write after it.
COMMAND_EVENTS = frozenset({
    "ActivityTaskScheduled", "ActivityTaskCancelRequested", "TimerStarted", "TimerCanceled",
    "WorkflowExecutionCompleted", "WorkflowExecutionFailed", "WorkflowExecutionCanceled",
    "WorkflowExecutionContinuedAsNew", "RequestCancelExternalWorkflowExecutionInitiated",
    "SignalExternalWorkflowExecutionInitiated", "StartChildWorkflowExecutionInitiated",
    "MarkerRecorded", "UpsertWorkflowSearchAttributes", "WorkflowPropertiesModified",
    "WorkflowExecutionUpdateAccepted", "WorkflowExecutionUpdateCompleted",
    "WorkflowExecutionUpdateRejected", "NexusOperationScheduled", "NexusOperationCancelRequested",
})


@dataclass(frozen=True)
class TaskGroup:
    """The events of one workflow task: ids ``first``..``last`` (1-based ``task``)."""

    task: int
    first: int
    last: int
    #: completed, failed, timed out, or pending (history ends before the task does).
    outcome: str

    @property
    def label(self) -> str:
        """``Workflow task 2 · events 5–10``."""
        span = f"event {self.first}" if self.first == self.last else \
            f"events {self.first}–{self.last}"
        return f"Workflow task {self.task} · {span}"


def group_by_workflow_task(event_types: Sequence[str]) -> list[TaskGroup]:
    """The groups of a history given its event types in order (event ids from 1)."""
    groups: list[TaskGroup] = []
    first, outcome, ended = 1, "pending", False
    for event_id, event_type in enumerate(event_types, 1):
        if ended and (outcome != "completed" or event_type not in COMMAND_EVENTS):
            groups.append(TaskGroup(len(groups) + 1, first, event_id - 1, outcome))
            first, outcome, ended = event_id, "pending", False
        if event_type in _TASK_END:
            outcome, ended = _TASK_END[event_type], True
    if event_types:
        groups.append(TaskGroup(len(groups) + 1, first, len(event_types), outcome))
    return groups
