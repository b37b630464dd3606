"""What each workflow command means for history: the event it produces and its identity.

The SDK's commands (``WorkflowCommand`` protos) turn into history events one for one, except
for the few listed in :data:`NO_EVENT`. The *identity* of a command (activity type, timer
seq, child workflow type, patch id...) is what Temporal compares against the recorded event
during replay; we compare the same things, so that a divergence can be pinned to the line
that issued the command.
"""

from __future__ import annotations

from dataclasses import dataclass

from temporalio.api.enums.v1 import EventType
from temporalio.api.history.v1 import HistoryEvent
from temporalio.bridge.proto.workflow_commands import WorkflowCommand

from replaydbg.history import event_type_name
from replaydbg.history.markers import patch_marker
from replaydbg.replay.inputs import InputComparison

E = EventType

#: Command variant -> the event type it produces.
PRODUCES: dict[str, int] = {
    "schedule_activity": E.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED,
    "request_cancel_activity": E.EVENT_TYPE_ACTIVITY_TASK_CANCEL_REQUESTED,
    "start_timer": E.EVENT_TYPE_TIMER_STARTED,
    "cancel_timer": E.EVENT_TYPE_TIMER_CANCELED,
    "set_patch_marker": E.EVENT_TYPE_MARKER_RECORDED,
    "start_child_workflow_execution": E.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED,
    "cancel_child_workflow_execution":
        E.EVENT_TYPE_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED,
    "request_cancel_external_workflow_execution":
        E.EVENT_TYPE_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED,
    "signal_external_workflow_execution":
        E.EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED,
    "upsert_workflow_search_attributes": E.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES,
    "modify_workflow_properties": E.EVENT_TYPE_WORKFLOW_PROPERTIES_MODIFIED,
    "complete_workflow_execution": E.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED,
    "fail_workflow_execution": E.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED,
    "cancel_workflow_execution": E.EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED,
    "continue_as_new_workflow_execution": E.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW,
    "schedule_nexus_operation": E.EVENT_TYPE_NEXUS_OPERATION_SCHEDULED,
    "request_cancel_nexus_operation": E.EVENT_TYPE_NEXUS_OPERATION_CANCEL_REQUESTED,
}

#: Commands that never produce an event of their own. A local activity's result is recorded
#: as a marker by the core when it resolves, not where it was scheduled.
NO_EVENT = frozenset({
    "respond_to_query", "schedule_local_activity", "request_cancel_local_activity",
})

#: Every event type a command can produce: the command "batch" after a WorkflowTaskCompleted.
COMMAND_EVENT_TYPES = frozenset(PRODUCES.values()) | {
    E.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED,
    E.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED,
}

_MARKER_RECORDED = int(E.EVENT_TYPE_MARKER_RECORDED)
_TIMER_STARTED = int(E.EVENT_TYPE_TIMER_STARTED)
_ACTIVITY_SCHEDULED = int(E.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED)



@dataclass(frozen=True)
class CommandView:
    """A command as replay compares it: the event it must match and its identity."""

    variant: str
    expected_type: int | None
    #: Human identity, e.g. ``activity compose_greeting`` or ``timer 2 (5s)``.
    label: str
    #: Identity compared against the event (None: only the type is compared).
    identity: str | None
    seq: int | None

    @property
    def expected_name(self) -> str:
        """PascalCase name of the event this command produces."""
        if self.expected_type is None:
            return "(no event)"
        return event_type_name(self.expected_type)


def view_command(command: WorkflowCommand) -> CommandView:
    """Describe a command for matching and for messages."""
    variant = command.WhichOneof("variant") or "unknown"
    expected = PRODUCES.get(variant)
    attrs = getattr(command, variant, None)
    seq = getattr(attrs, "seq", None) if attrs is not None else None
    label, identity = _identity(variant, command)
    if variant == "update_response":
        # A rejection only reaches history after the update was accepted (the handler
        # raised): history records it as the update's completion, with the failure. Replay
        # never runs validators, whose rejections history does not keep.
        response = command.update_response.WhichOneof("response")
        expected = {
            "accepted": E.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED,
            "completed": E.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED,
            "rejected": E.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED,
        }.get(response or "")
    return CommandView(variant, expected, label, identity, seq)


def _identity(variant: str, command: WorkflowCommand) -> tuple[str, str | None]:
    if variant == "schedule_activity":
        act = command.schedule_activity
        return f"activity {act.activity_type} (id {act.activity_id})", act.activity_type
    if variant == "schedule_local_activity":
        return f"local activity {command.schedule_local_activity.activity_type}", None
    if variant == "start_timer":
        timer = command.start_timer
        seconds = timer.start_to_fire_timeout.ToTimedelta().total_seconds()
        return f"timer {timer.seq} ({seconds:g}s)", str(timer.seq)
    if variant == "cancel_timer":
        return f"cancel timer {command.cancel_timer.seq}", str(command.cancel_timer.seq)
    if variant == "start_child_workflow_execution":
        child = command.start_child_workflow_execution
        return f"child workflow {child.workflow_type} (id {child.workflow_id})", child.workflow_type
    if variant == "signal_external_workflow_execution":
        name = command.signal_external_workflow_execution.signal_name
        return f"signal {name} to an external workflow", name
    if variant == "set_patch_marker":
        patch = command.set_patch_marker
        suffix = " (deprecated)" if patch.deprecated else ""
        return f"patch {patch.patch_id}{suffix}", patch.patch_id
    if variant == "update_response":
        response = command.update_response
        kind = response.WhichOneof("response")
        return f"update {kind}", None
    if variant == "continue_as_new_workflow_execution":
        new_type = command.continue_as_new_workflow_execution.workflow_type
        return ("continue as new" + (f" as {new_type}" if new_type else "")), None
    return variant.replace("_", " "), None


def event_identity(event: HistoryEvent) -> str | None:
    """The identity of a command-produced event, comparable with :attr:`CommandView.identity`."""
    kind = event.WhichOneof("attributes")
    if kind == "activity_task_scheduled_event_attributes":
        return event.activity_task_scheduled_event_attributes.activity_type.name
    if kind == "timer_started_event_attributes":
        return event.timer_started_event_attributes.timer_id
    if kind == "timer_canceled_event_attributes":
        return event.timer_canceled_event_attributes.timer_id
    if kind == "start_child_workflow_execution_initiated_event_attributes":
        return event.start_child_workflow_execution_initiated_event_attributes.workflow_type.name
    if kind == "signal_external_workflow_execution_initiated_event_attributes":
        return event.signal_external_workflow_execution_initiated_event_attributes.signal_name
    if kind == "marker_recorded_event_attributes":
        return patch_id_of(event)
    return None


def marker_name(event: HistoryEvent) -> str | None:
    """The marker name of a MarkerRecorded event, else None."""
    if event.event_type != _MARKER_RECORDED:
        return None
    return event.marker_recorded_event_attributes.marker_name


def patch_id_of(event: HistoryEvent) -> str | None:
    """The patch id recorded by a patch marker, else None."""
    if event.event_type != _MARKER_RECORDED:
        return None
    marker = patch_marker(event.marker_recorded_event_attributes)
    return marker.patch_id if marker is not None else None


def quiet_differences(command: WorkflowCommand, event: HistoryEvent, *,
                      inputs: InputComparison | None) -> list[str]:
    """Differences between a command and its event that Temporal's replay does not check.

    A changed timer duration or changed activity arguments replay "fine" but
    mean the code no longer does what it did when the history was recorded. Arguments are
    compared by ``inputs`` (None: not at all), which knows how to undo the payload codec.
    """
    variant = command.WhichOneof("variant")
    if variant == "start_timer" and event.event_type == _TIMER_STARTED:
        ours = command.start_timer.start_to_fire_timeout.ToTimedelta()
        theirs = event.timer_started_event_attributes.start_to_fire_timeout.ToTimedelta()
        if ours != theirs:
            return [f"timer duration is {theirs} in history but {ours} in the code"]
        return []
    if variant != "schedule_activity" or event.event_type != _ACTIVITY_SCHEDULED:
        return []
    # (Task queues are not compared: replay runs on its own queue, which the SDK puts on
    # every activity that names none.)
    activity = command.schedule_activity
    difference = inputs.difference(activity.activity_type, activity.arguments, event) \
        if inputs is not None else None
    return [difference] if difference else []
