"""Which history events an activation job applies, found by identity.

The lookups come from :class:`HistoryIndex`; commands matched during the event-map build
tell the resolver which event each command seq produced (``note_command``), because the
SDK's seq numbers are only tied to events through the commands that carried them.
"""

from __future__ import annotations

from collections.abc import Iterable

from temporalio.api.history.v1 import HistoryEvent
from temporalio.bridge.proto.workflow_activation import WorkflowActivationJob

from replaydbg.history import HistoryIndex
from replaydbg.replay.commands import CommandView

Resolved = list[tuple[int, str]]


def _ids(events: Iterable[HistoryEvent | None], note: str) -> Resolved:
    return [(event.event_id, note) for event in events if event is not None]


class JobResolver:
    """Finds the events behind each activation job."""

    def __init__(self, index: HistoryIndex) -> None:
        self.index = index
        self.signals = list(index.signals)  # consumed in order, by name
        self.cancel_requests = list(index.cancel_requests)
        self.seq_events: dict[tuple[str, int], int] = {}

    def note_command(self, view: CommandView, event: HistoryEvent) -> None:
        """Remember which event the command with ``view.seq`` produced."""
        if view.seq is not None:
            self.seq_events[(view.variant, view.seq)] = event.event_id

    def resolve(self, job: WorkflowActivationJob) -> Resolved:
        """``(event id, note)`` for each event the job applies; empty when none does."""
        variant = job.WhichOneof("variant") or ""
        method = getattr(self, "_resolve_" + variant, None)
        return method(getattr(job, variant)) if method is not None else []

    def _resolve_initialize_workflow(self, job: object) -> Resolved:
        return [(1, "the workflow starts")]

    def _resolve_fire_timer(self, job: object) -> Resolved:
        timer = self.index.timer(str(job.seq))  # type: ignore[attr-defined]
        return _ids([timer.fired if timer else None], "timer fired")

    def _resolve_resolve_activity(self, job: object) -> Resolved:
        seq: int = job.seq  # type: ignore[attr-defined]
        if job.is_local:  # type: ignore[attr-defined]
            return _ids([self.index.local_activity_marker(seq)], "local activity result")
        scheduled = self.seq_events.get(("schedule_activity", seq))
        if scheduled is None:
            event = self.index.activity_scheduled(str(seq))
            scheduled = event.event_id if event is not None else None
        if scheduled is None:
            return []
        return _ids([self.index.activity_outcome(scheduled)], "activity result")

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
        update = self.index.update(update_id)
        if update is None:
            return []
        label = f"update {job.name} ({update_id})"  # type: ignore[attr-defined]
        # Rejections are only in history written by older servers; accepted updates always.
        return _ids([update.accepted, update.rejected, update.completed], label)

    def _initiated(self, variants: tuple[str, ...], seq: int) -> int | None:
        for variant in variants:
            origin = self.seq_events.get((variant, seq))
            if origin is not None:
                return origin
        return None

    def _resolve_resolve_child_workflow_execution_start(self, job: object) -> Resolved:
        origin = self._initiated(("start_child_workflow_execution",), job.seq)  # type: ignore[attr-defined]
        child = self.index.child_workflow(origin) if origin else None
        if child is None:
            return []
        return _ids([child.started, child.start_failed], "child workflow start resolved")

    def _resolve_resolve_child_workflow_execution(self, job: object) -> Resolved:
        origin = self._initiated(("start_child_workflow_execution",), job.seq)  # type: ignore[attr-defined]
        child = self.index.child_workflow(origin) if origin else None
        return _ids([child.outcome if child else None], "child workflow result")

    def _resolve_resolve_signal_external_workflow(self, job: object) -> Resolved:
        origin = self._initiated(("signal_external_workflow_execution",), job.seq)  # type: ignore[attr-defined]
        external = self.index.external_signal(origin) if origin else None
        return _ids([external.outcome if external else None], "external signal delivered")

    def _resolve_resolve_request_cancel_external_workflow(self, job: object) -> Resolved:
        origin = self._initiated(("request_cancel_external_workflow_execution",
                                  "cancel_child_workflow_execution"), job.seq)  # type: ignore[attr-defined]
        external = self.index.external_cancel(origin) if origin else None
        return _ids([external.outcome if external else None], "external cancel delivered")
