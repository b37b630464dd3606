"""The loaded history: events plus where they came from."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, cached_property
from typing import TYPE_CHECKING

from temporalio.api.enums.v1 import EventType
from temporalio.api.history.v1 import HistoryEvent

if TYPE_CHECKING:  # the client module costs ~0.17 s: a debug adapter loading a history
    from temporalio.client import WorkflowHistory  # must not pay it on the first stop's way

_PREFIX = "EVENT_TYPE_"


@cache
def event_type_name(event_type: int) -> str:
    """PascalCase name of an event type (``ActivityTaskScheduled``), as users see it in the UI."""
    try:
        raw = EventType.Name(event_type)  # type: ignore[arg-type]
    except ValueError:
        return f"UnknownEventType{event_type}"
    return "".join(part.capitalize() for part in raw[len(_PREFIX) :].split("_"))


@dataclass(frozen=True)
class History:
    """A workflow history ready to replay.

    ``source`` says where it came from (a file path or ``workflow id X on server Y``) so that
    every message about the history can name it.
    """

    workflow_id: str
    events: Sequence[HistoryEvent]
    source: str

    @cached_property
    def workflow_type(self) -> str:
        """Workflow type name from the WorkflowExecutionStarted event."""
        return self.events[0].workflow_execution_started_event_attributes.workflow_type.name

    @cached_property
    def run_id(self) -> str:
        """Run id as recorded in the first event (the JSON formats do not carry the id)."""
        attrs = self.events[0].workflow_execution_started_event_attributes
        return attrs.original_execution_run_id or attrs.first_execution_run_id

    def to_workflow_history(self) -> WorkflowHistory:
        """The SDK's view of this history, for the ``Replayer``."""
        from temporalio.client import WorkflowHistory

        return WorkflowHistory(self.workflow_id, self.events)
