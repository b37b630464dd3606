"""Which history events an activation job applies, found by identity.

Built in one pass over the history; commands matched during the event-map build tell it
which event each command seq produced (``note_command``), because the SDK's seq numbers
are only tied to events through the commands that carried them.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Sequence
from collections.abc import Set as AbstractSet

from temporalio.api.enums.v1 import EventType
from temporalio.api.history.v1 import HistoryEvent
from temporalio.bridge.proto.workflow_activation import WorkflowActivationJob

from replaydbg.replay.commands import LOCAL_ACTIVITY_MARKER, CommandView, marker_name

E = EventType
Resolved = list[tuple[int, str]]

_ACTIVITY_DONE = {
    E.EVENT_TYPE_ACTIVITY_TASK_COMPLETED, E.EVENT_TYPE_ACTIVITY_TASK_FAILED,
    E.EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT, E.EVENT_TYPE_ACTIVITY_TASK_CANCELED,
}
_CHILD_STARTED = {
    E.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_STARTED,
    E.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_FAILED,
}
_CHILD_DONE = {
    E.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_COMPLETED, E.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_FAILED,
    E.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_CANCELED,
    E.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_TIMED_OUT,
    E.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_TERMINATED,
}
_EXTERNAL_SIGNAL_DONE = {
    E.EVENT_TYPE_EXTERNAL_WORKFLOW_EXECUTION_SIGNALED,
    E.EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_FAILED,
}
_EXTERNAL_CANCEL_DONE = {
    E.EVENT_TYPE_EXTERNAL_WORKFLOW_EXECUTION_CANCEL_REQUESTED,
    E.EVENT_TYPE_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION_FAILED,
}


def _linked_id(event: HistoryEvent) -> int:
    """The scheduled/initiated/started event id an outcome event points back to."""
    attrs = getattr(event, event.WhichOneof("attributes") or "", None)
    for name in ("scheduled_event_id", "initiated_event_id", "started_event_id"):
        value = getattr(attrs, name, 0)
        if value:
            return int(value)
    return 0


class JobResolver:
    """Finds the events behind each activation job."""

    def __init__(self, events: Sequence[HistoryEvent]) -> None:
        self.events = events
        self.by_link: dict[int, list[HistoryEvent]] = defaultdict(list)
        self.signals: list[HistoryEvent] = []
        self.cancel_requests: list[HistoryEvent] = []
        self.timer_fired: dict[str, int] = {}
        self.update_accepted: dict[str, int] = {}
        self.update_completed: dict[str, int] = {}
        self.local_markers: dict[int, int] = {}
        self.activity_by_id: dict[str, int] = {}
        self.seq_events: dict[tuple[str, int], int] = {}
        for event in events:
            self._index(event)

    def _index(self, event: HistoryEvent) -> None:
        handler = self._indexers.get(event.event_type)
        if handler is not None:
            handler(event)
        else:
            linked = _linked_id(event)
            if linked:
                self.by_link[linked].append(event)

    @property
    def _indexers(self) -> dict[int, Callable[[HistoryEvent], None]]:
        # Built once per resolver: protobuf enum attribute access is slow in a hot loop.
        cached: dict[int, Callable[[HistoryEvent], None]] | None = self.__dict__.get("_idx")
        if cached is None:
            cached = self.__dict__["_idx"] = {
                E.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED: self.signals.append,
                E.EVENT_TYPE_WORKFLOW_EXECUTION_CANCEL_REQUESTED: self.cancel_requests.append,
                E.EVENT_TYPE_TIMER_FIRED: self._on_timer_fired,
                E.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED: self._on_update_accepted,
                E.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED: self._on_update_completed,
                E.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED: self._on_activity_scheduled,
                E.EVENT_TYPE_MARKER_RECORDED: self._on_marker,
            }
        return cached

    def _on_timer_fired(self, event: HistoryEvent) -> None:
        self.timer_fired[event.timer_fired_event_attributes.timer_id] = event.event_id

    def _on_update_accepted(self, event: HistoryEvent) -> None:
        meta = event.workflow_execution_update_accepted_event_attributes.accepted_request.meta
        self.update_accepted[meta.update_id] = event.event_id

    def _on_update_completed(self, event: HistoryEvent) -> None:
        meta = event.workflow_execution_update_completed_event_attributes.meta
        self.update_completed[meta.update_id] = event.event_id

    def _on_activity_scheduled(self, event: HistoryEvent) -> None:
        attrs = event.activity_task_scheduled_event_attributes
        self.activity_by_id[attrs.activity_id] = event.event_id

    def _on_marker(self, event: HistoryEvent) -> None:
        if marker_name(event) == LOCAL_ACTIVITY_MARKER:
            seq = local_activity_seq(event)
            if seq is not None:
                self.local_markers[seq] = event.event_id

    def note_command(self, view: CommandView, event: HistoryEvent) -> None:
        """Remember which event the command with ``view.seq`` produced."""
        if view.seq is not None:
            self.seq_events[(view.variant, view.seq)] = event.event_id

    def _linked(self, variant: str, seq: int, types: AbstractSet[int], what: str) -> Resolved:
        origin = self.seq_events.get((variant, seq))
        if origin is None:
            return []
        return [(e.event_id, what) for e in self.by_link.get(origin, []) if e.event_type in types]

    def resolve(self, job: WorkflowActivationJob) -> Resolved:
        """``(event id, note)`` for each event the job applies; empty when none does."""
        variant = job.WhichOneof("variant") or ""
        method = getattr(self, "_resolve_" + variant, None)
        return method(getattr(job, variant)) if method is not None else []

    def _resolve_initialize_workflow(self, job: object) -> Resolved:
        return [(1, "the workflow starts")]

    def _resolve_fire_timer(self, job: object) -> Resolved:
        event_id = self.timer_fired.get(str(job.seq))  # type: ignore[attr-defined]
        return [(event_id, "timer fired")] if event_id else []

    def _resolve_resolve_activity(self, job: object) -> Resolved:
        seq: int = job.seq  # type: ignore[attr-defined]
        if job.is_local:  # type: ignore[attr-defined]
            marker = self.local_markers.get(seq)
            return [(marker, "local activity result")] if marker else []
        scheduled = self.seq_events.get(("schedule_activity", seq)) or self.activity_by_id.get(
            str(seq))
        if scheduled is None:
            return []
        return [(e.event_id, "activity result") for e in self.by_link.get(scheduled, [])
                if e.event_type in _ACTIVITY_DONE]

    def _resolve_signal_workflow(self, job: object) -> Resolved:
        name: str = job.signal_name  # type: ignore[attr-defined]
        for position, event in enumerate(self.signals):
            if event.workflow_execution_signaled_event_attributes.signal_name == name:
                del self.signals[position]
                return [(event.event_id, f"signal {name}")]
        return []

    def _resolve_cancel_workflow(self, job: object) -> Resolved:
        if not self.cancel_requests:
            return []
        return [(self.cancel_requests.pop(0).event_id, "cancellation requested")]

    def _resolve_do_update(self, job: object) -> Resolved:
        update_id: str = job.id  # type: ignore[attr-defined]
        label = f"update {job.name} ({update_id})"  # type: ignore[attr-defined]
        found = (self.update_accepted.get(update_id), self.update_completed.get(update_id))
        return [(event_id, label) for event_id in found if event_id]

    def _resolve_resolve_child_workflow_execution_start(self, job: object) -> Resolved:
        return self._linked("start_child_workflow_execution", job.seq,  # type: ignore[attr-defined]
                            _CHILD_STARTED, "child workflow start resolved")

    def _resolve_resolve_child_workflow_execution(self, job: object) -> Resolved:
        return self._linked("start_child_workflow_execution", job.seq,  # type: ignore[attr-defined]
                            _CHILD_DONE, "child workflow result")

    def _resolve_resolve_signal_external_workflow(self, job: object) -> Resolved:
        return self._linked("signal_external_workflow_execution", job.seq,  # type: ignore[attr-defined]
                            _EXTERNAL_SIGNAL_DONE, "external signal delivered")

    def _resolve_resolve_request_cancel_external_workflow(self, job: object) -> Resolved:
        seq: int = job.seq  # type: ignore[attr-defined]
        for variant in ("request_cancel_external_workflow_execution",
                        "cancel_child_workflow_execution"):
            found = self._linked(variant, seq, _EXTERNAL_CANCEL_DONE, "external cancel delivered")
            if found:
                return found
        return []


def local_activity_seq(event: HistoryEvent) -> int | None:
    """The SDK seq of a local-activity marker (in the JSON of its ``data`` detail)."""
    details = event.marker_recorded_event_attributes.details
    if "data" not in details or not details["data"].payloads:
        return None
    try:
        data = json.loads(details["data"].payloads[0].data)
    except ValueError:
        return None
    seq = data.get("seq") if isinstance(data, dict) else None
    return seq if isinstance(seq, int) else None
