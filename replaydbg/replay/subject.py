"""The one-word subject of an event, for stop descriptions ("ActivityTaskCompleted (charge)").

Outcome events only carry the id of the event that started them; the subject (activity
type, child workflow type...) is looked up there through the history index.
"""

from __future__ import annotations

from temporalio.api.history.v1 import HistoryEvent

from replaydbg.history import HistoryIndex
from replaydbg.history.markers import local_activity_marker, patch_marker


def _attrs(event: HistoryEvent) -> object:
    return getattr(event, event.WhichOneof("attributes") or "", None)


def event_subject(event: HistoryEvent, index: HistoryIndex) -> str:
    """Activity type, timer id, signal or update name, child workflow type, patch id."""
    kind = event.WhichOneof("attributes") or ""
    attrs = _attrs(event)
    if kind == "activity_task_scheduled_event_attributes":
        return event.activity_task_scheduled_event_attributes.activity_type.name
    if kind.startswith("activity_task_"):
        return _linked(index, getattr(attrs, "scheduled_event_id", 0))
    if kind.startswith("timer_"):
        return f"timer {getattr(attrs, 'timer_id', '')}"
    if kind == "workflow_execution_signaled_event_attributes":
        return event.workflow_execution_signaled_event_attributes.signal_name
    if kind == "workflow_execution_update_accepted_event_attributes":
        return event.workflow_execution_update_accepted_event_attributes.accepted_request.input.name
    if kind == "start_child_workflow_execution_initiated_event_attributes":
        return event.start_child_workflow_execution_initiated_event_attributes.workflow_type.name
    if "child_workflow" in kind:
        return _linked(index, getattr(attrs, "initiated_event_id", 0))
    if kind == "marker_recorded_event_attributes":
        return _marker_subject(event)
    return ""


def _marker_subject(event: HistoryEvent) -> str:
    attrs = event.marker_recorded_event_attributes
    patch = patch_marker(attrs)
    if patch is not None:
        return f"patch {patch.patch_id}"
    local = local_activity_marker(attrs)
    return local.activity_type if local is not None else attrs.marker_name


def _linked(index: HistoryIndex, event_id: int) -> str:
    if not event_id:
        return ""
    try:
        origin = index.event(event_id)
    except KeyError:
        return ""
    return event_subject(origin, index) if origin.event_id != 0 else ""
