"""One short line per history event: the attributes a person debugging a replay looks for.

Lines use ``name key=value`` pairs so they stay greppable and fit a table column: the activity
type and id for activities, timer id and duration for timers, failure messages cut short, the
patch id of a patch marker, and so on. Payload contents (inputs, results) are left out: they
can be large, binary or sensitive. Every event type has its own describer (a test checks it);
an attribute message this version does not know falls back to the names of its set fields.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from temporalio.api.history.v1 import HistoryEvent

from replaydbg.history import describe_attrs as d
from replaydbg.history.describe_attrs import set_field_names

_Describer = Callable[[Any], str]

#: Attribute field of ``HistoryEvent`` -> describer of that attribute message.
DESCRIBERS: dict[str, _Describer] = {
    "workflow_execution_started_event_attributes": d.workflow_started,
    "workflow_execution_completed_event_attributes": d.workflow_completed,
    "workflow_execution_failed_event_attributes": d.workflow_failed,
    "workflow_execution_timed_out_event_attributes": d.workflow_timed_out,
    "workflow_execution_canceled_event_attributes": d.workflow_canceled,
    "workflow_execution_terminated_event_attributes": d.workflow_terminated,
    "workflow_execution_continued_as_new_event_attributes": d.continued_as_new,
    "workflow_execution_cancel_requested_event_attributes": d.cancel_requested,
    "workflow_execution_signaled_event_attributes": d.signaled,
    "workflow_task_scheduled_event_attributes": d.task_scheduled,
    "workflow_task_started_event_attributes": d.task_started,
    "workflow_task_completed_event_attributes": d.task_completed,
    "workflow_task_timed_out_event_attributes": d.task_timed_out,
    "workflow_task_failed_event_attributes": d.task_failed,
    "activity_task_scheduled_event_attributes": d.activity_scheduled,
    "activity_task_started_event_attributes": d.activity_started,
    "activity_task_completed_event_attributes": d.activity_completed,
    "activity_task_failed_event_attributes": d.activity_failed,
    "activity_task_timed_out_event_attributes": d.activity_timed_out,
    "activity_task_cancel_requested_event_attributes": d.scheduled_ref,
    "activity_task_canceled_event_attributes": d.scheduled_ref,
    "activity_properties_modified_externally_event_attributes": d.scheduled_ref,
    "timer_started_event_attributes": d.timer_started,
    "timer_fired_event_attributes": d.timer_ref,
    "timer_canceled_event_attributes": d.timer_ref,
    "marker_recorded_event_attributes": d.marker,
    "start_child_workflow_execution_initiated_event_attributes": d.child_initiated,
    "start_child_workflow_execution_failed_event_attributes": d.child_start_failed,
    "child_workflow_execution_started_event_attributes": d.child_event,
    "child_workflow_execution_completed_event_attributes": d.child_event,
    "child_workflow_execution_failed_event_attributes": d.child_event,
    "child_workflow_execution_canceled_event_attributes": d.child_event,
    "child_workflow_execution_timed_out_event_attributes": d.child_event,
    "child_workflow_execution_terminated_event_attributes": d.child_event,
    "signal_external_workflow_execution_initiated_event_attributes": d.signal_external,
    "signal_external_workflow_execution_failed_event_attributes": d.external_failed,
    "external_workflow_execution_signaled_event_attributes": d.external_event,
    "request_cancel_external_workflow_execution_initiated_event_attributes": d.external_event,
    "request_cancel_external_workflow_execution_failed_event_attributes": d.external_failed,
    "external_workflow_execution_cancel_requested_event_attributes": d.external_event,
    "upsert_workflow_search_attributes_event_attributes": d.search_attributes,
    "workflow_properties_modified_event_attributes": d.memo_modified,
    "workflow_properties_modified_externally_event_attributes": set_field_names,
    "workflow_execution_update_admitted_event_attributes": d.update_admitted,
    "workflow_execution_update_accepted_event_attributes": d.update_accepted,
    "workflow_execution_update_rejected_event_attributes": d.update_rejected,
    "workflow_execution_update_completed_event_attributes": d.update_completed,
    "nexus_operation_scheduled_event_attributes": d.nexus_scheduled,
    "nexus_operation_started_event_attributes": d.nexus_started,
    "nexus_operation_completed_event_attributes": d.scheduled_ref,
    "nexus_operation_failed_event_attributes": d.nexus_failed,
    "nexus_operation_canceled_event_attributes": d.nexus_failed,
    "nexus_operation_timed_out_event_attributes": d.nexus_failed,
    "nexus_operation_cancel_requested_event_attributes": d.scheduled_ref,
    "nexus_operation_cancel_request_completed_event_attributes": d.scheduled_ref,
    "nexus_operation_cancel_request_failed_event_attributes": d.nexus_failed,
    "workflow_execution_options_updated_event_attributes": set_field_names,
    "workflow_execution_paused_event_attributes": d.paused,
    "workflow_execution_unpaused_event_attributes": d.paused,
    "workflow_execution_time_skipping_transitioned_event_attributes": set_field_names,
}


def short_details(event: HistoryEvent) -> str:
    """A one-line summary of ``event``'s attributes.

    Empty for an event without attributes; ``-`` when they hold nothing worth showing.
    """
    field = event.WhichOneof("attributes")
    if field is None:
        return ""
    attrs = getattr(event, field)
    describer = DESCRIBERS.get(field, set_field_names)
    return describer(attrs) or "-"
