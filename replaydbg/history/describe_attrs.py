"""Describers for each kind of event attributes, used by ``describe.short_details``.

Each takes one attributes message and returns ``name key=value ...``; empty values are
dropped, so a describer never has to test for missing fields itself.
"""

from __future__ import annotations

from typing import Any

from temporalio.api.enums.v1 import (
    ContinueAsNewInitiator,
    RetryState,
    TaskQueueKind,
    TimeoutType,
    WorkflowTaskFailedCause,
)
from temporalio.api.history.v1 import (
    ActivityTaskScheduledEventAttributes,
    MarkerRecordedEventAttributes,
)

from replaydbg.history.markers import local_activity_marker, patch_marker
from replaydbg.history.text import (
    MESSAGE_LIMIT,
    duration_text,
    enum_label,
    failure_text,
    quoted,
    words,
)


def set_field_names(attrs: Any) -> str:
    """Fallback: the names of the fields that are set."""
    return " ".join(field.name for field, _ in attrs.ListFields())


def _failure_if(attrs: Any) -> str:
    return failure_text(attrs.failure) if attrs.HasField("failure") else ""


def _retry(state: int) -> str:
    return f"retry={enum_label(RetryState, state)}" if state else ""


def _execution(execution: Any) -> str:
    return f"id={execution.workflow_id}" if execution.workflow_id else ""


# -- the workflow itself


def workflow_started(a: Any) -> str:
    return words(
        a.workflow_type.name, f"queue={a.task_queue.name}",
        f"attempt={a.attempt}" if a.attempt > 1 else "",
        f"continued_from={a.continued_execution_run_id}" if a.continued_execution_run_id else "",
        f"parent={a.parent_workflow_execution.workflow_id}"
        if a.HasField("parent_workflow_execution") else "",
        f"cron={quoted(a.cron_schedule, 30)}" if a.cron_schedule else "",
    )


def workflow_completed(a: Any) -> str:
    result = "result" if a.result.payloads else "no result"
    return words(result, f"next_run={a.new_execution_run_id}" if a.new_execution_run_id else "")


def workflow_failed(a: Any) -> str:
    return words(_failure_if(a), _retry(a.retry_state))


def workflow_timed_out(a: Any) -> str:
    return _retry(a.retry_state)


def workflow_canceled(a: Any) -> str:
    return "with details" if a.details.payloads else "no details"


def workflow_terminated(a: Any) -> str:
    return words(quoted(a.reason, MESSAGE_LIMIT) if a.reason else "", _by(a.identity))


def continued_as_new(a: Any) -> str:
    initiator = enum_label(ContinueAsNewInitiator, a.initiator) if a.initiator else ""
    return words(
        a.workflow_type.name, f"new_run={a.new_execution_run_id}",
        f"initiator={initiator}" if initiator else "", _failure_if(a),
    )


def cancel_requested(a: Any) -> str:
    return words(quoted(a.cause, MESSAGE_LIMIT) if a.cause else "", _by(a.identity))


def signaled(a: Any) -> str:
    return words(a.signal_name, _by(a.identity))


def _by(identity: str) -> str:
    return f"by={identity}" if identity else ""


# -- workflow tasks


def task_scheduled(a: Any) -> str:
    # Sticky queues are per-worker names nobody recognises; saying "sticky" is what matters.
    sticky = a.task_queue.kind == TaskQueueKind.TASK_QUEUE_KIND_STICKY
    queue = "queue=sticky" if sticky else f"queue={a.task_queue.name}"
    return words(queue, f"attempt={a.attempt}" if a.attempt > 1 else "")


def task_started(a: Any) -> str:
    return words(_by(a.identity), "suggest_continue_as_new" if a.suggest_continue_as_new else "")


def task_completed(a: Any) -> str:
    return words(_by(a.identity), _build_id(a))


def _build_id(a: Any) -> str:
    build_id = a.worker_version.build_id if a.HasField("worker_version") else ""
    return f"build={build_id}" if build_id else ""


def task_timed_out(a: Any) -> str:
    return f"timeout={enum_label(TimeoutType, a.timeout_type)}"


def task_failed(a: Any) -> str:
    return words(f"cause={enum_label(WorkflowTaskFailedCause, a.cause)}", _failure_if(a))


# -- activities, timers, markers


def activity_scheduled(a: ActivityTaskScheduledEventAttributes) -> str:
    return words(a.activity_type.name, f"id={a.activity_id}")


def activity_started(a: Any) -> str:
    last = f"last_failure={failure_text(a.last_failure)}" if a.HasField("last_failure") else ""
    return words(f"scheduled={a.scheduled_event_id}", f"attempt={a.attempt}", last)


def activity_completed(a: Any) -> str:
    return words(f"scheduled={a.scheduled_event_id}", "result" if a.result.payloads else "")


def activity_failed(a: Any) -> str:
    return words(f"scheduled={a.scheduled_event_id}", _failure_if(a), _retry(a.retry_state))


def activity_timed_out(a: Any) -> str:
    info = a.failure.timeout_failure_info if a.HasField("failure") else None
    timeout = f"timeout={enum_label(TimeoutType, info.timeout_type)}" if info else ""
    return words(f"scheduled={a.scheduled_event_id}", timeout, _retry(a.retry_state))


def scheduled_ref(a: Any) -> str:
    return f"scheduled={a.scheduled_event_id}"


def timer_started(a: Any) -> str:
    return words(f"timer={a.timer_id}", f"duration={duration_text(a.start_to_fire_timeout)}")


def timer_ref(a: Any) -> str:
    return words(f"timer={a.timer_id}", f"started={a.started_event_id}")


def marker(a: MarkerRecordedEventAttributes) -> str:
    patch = patch_marker(a)
    if patch is not None:
        return words(a.marker_name, f"patch={patch.patch_id}", "deprecated" * patch.deprecated)
    local = local_activity_marker(a)
    if local is not None:
        return words(
            a.marker_name, local.activity_type, f"seq={local.seq}", f"attempt={local.attempt}",
            _failure_if(a),
        )
    return words(a.marker_name, _failure_if(a))


# -- children and other workflows


def child_initiated(a: Any) -> str:
    return words(a.workflow_type.name, f"id={a.workflow_id}", f"queue={a.task_queue.name}")


def child_start_failed(a: Any) -> str:
    return words(a.workflow_type.name, f"id={a.workflow_id}", f"cause={_cause_label(a)}")


def child_event(a: Any) -> str:
    fields = a.DESCRIPTOR.fields_by_name
    failure = _failure_if(a) if "failure" in fields else ""
    retry = _retry(a.retry_state) if "retry_state" in fields else ""
    return words(
        a.workflow_type.name, _execution(a.workflow_execution),
        f"initiated={a.initiated_event_id}", failure, retry,
    )


def signal_external(a: Any) -> str:
    return words(a.signal_name, _execution(a.workflow_execution))


def external_event(a: Any) -> str:
    has_initiated = "initiated_event_id" in a.DESCRIPTOR.fields_by_name
    initiated = a.initiated_event_id if has_initiated else 0
    return words(_execution(a.workflow_execution), f"initiated={initiated}" if initiated else "")


def external_failed(a: Any) -> str:
    return words(_execution(a.workflow_execution), f"cause={_cause_label(a)}")


def _cause_label(a: Any) -> str:
    enum = a.DESCRIPTOR.fields_by_name["cause"].enum_type
    return enum_label(enum, a.cause)


# -- properties, updates, nexus, operator actions


def search_attributes(a: Any) -> str:
    return "keys=" + ",".join(sorted(a.search_attributes.indexed_fields))


def memo_modified(a: Any) -> str:
    return "memo=" + ",".join(sorted(a.upserted_memo.fields))


def update_admitted(a: Any) -> str:
    return words(a.request.input.name, f"id={a.request.meta.update_id}")


def update_accepted(a: Any) -> str:
    request = a.accepted_request
    return words(request.input.name, f"id={request.meta.update_id}")


def update_rejected(a: Any) -> str:
    request = a.rejected_request
    return words(request.input.name, f"id={request.meta.update_id}", _failure_if(a))


def update_completed(a: Any) -> str:
    outcome = a.outcome
    result = failure_text(outcome.failure) if outcome.HasField("failure") else "success"
    return words(f"id={a.meta.update_id}", f"accepted={a.accepted_event_id}", result)


def nexus_scheduled(a: Any) -> str:
    return words(f"{a.service}.{a.operation}", f"endpoint={a.endpoint}")


def nexus_started(a: Any) -> str:
    token = a.operation_token or a.operation_id
    return words(f"scheduled={a.scheduled_event_id}", f"token={quoted(token, 30)}" * bool(token))


def nexus_failed(a: Any) -> str:
    return words(f"scheduled={a.scheduled_event_id}", _failure_if(a))


def paused(a: Any) -> str:
    return words(quoted(a.reason, MESSAGE_LIMIT) if a.reason else "", _by(a.identity))


