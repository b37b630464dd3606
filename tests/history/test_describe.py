"""One-line event descriptions and the event table."""

from __future__ import annotations

import pytest
from google.protobuf.duration_pb2 import Duration
from temporalio.api.common.v1 import Payload, Payloads
from temporalio.api.enums.v1 import EventType, RetryState, TimeoutType
from temporalio.api.failure.v1 import Failure
from temporalio.api.history.v1 import HistoryEvent

from replaydbg.history import History, format_event_table, short_details
from replaydbg.history.describe import DESCRIBERS
from replaydbg.history.text import duration_text, enum_label

_ALL_TYPES = [value for value in EventType.values() if value != 0]


def _attrs_field(event_type: int) -> str:
    return EventType.Name(event_type).removeprefix("EVENT_TYPE_").lower() + "_event_attributes"  # type: ignore[arg-type]


def _event(event_type: int, event_id: int = 1) -> HistoryEvent:
    event = HistoryEvent(event_id=event_id, event_type=event_type)  # type: ignore[arg-type]
    getattr(event, _attrs_field(event_type)).SetInParent()
    return event


@pytest.mark.parametrize("event_type", _ALL_TYPES, ids=EventType.Name)
def test_every_event_type_has_its_own_describer(event_type: int) -> None:
    assert _attrs_field(event_type) in DESCRIBERS


@pytest.mark.parametrize("event_type", _ALL_TYPES, ids=EventType.Name)
def test_empty_attributes_still_give_one_line(event_type: int) -> None:
    details = short_details(_event(event_type))
    assert details and "\n" not in details


def test_event_without_attributes_is_empty() -> None:
    assert short_details(HistoryEvent(event_id=1)) == ""


@pytest.mark.parametrize(
    ("event_id", "expected"),
    [
        (1, "RichWorkflow queue=history-tests-"),
        (3, "go by="),
        (6, "set_value id="),
        (7, "accepted=6 success"),
        (8, "core_patch patch=rich-patch"),
        (9, "keys=TemporalChangeVersion"),
        (10, "greet id=1"),
        (11, "scheduled=10 attempt=1"),
        (13, "queue=sticky"),
        (15, 'cause=WorkflowWorkerUnhandledFailure "deliberate workflow task failure"'),
        (19, "core_local_activity greet seq=2 attempt=1"),
        (20, "timer=1 duration=100ms"),
        (26, "timer=3 duration=1m"),
        (31, "timer=3 started=26"),
        (34, 'scheduled=32 "this activity always fails" retry=NonRetryableFailure'),
        (44, "scheduled=38"),
        (50, "ChildWorkflow id=rich-workflow-child-1"),
        (55, "poke id=rich-workflow-child-1"),
        (56, "id=rich-workflow-child-1 initiated=55"),
        (60, "ChildWorkflow id=rich-workflow-child-1 initiated=50"),
        (69, "id=rich-workflow-child-2"),
        (78, "keys=CustomKeyword"),
        (79, "memo=note"),
        (80, "RichWorkflow new_run="),
    ],
)
def test_rich_history_details(rich: History, event_id: int, expected: str) -> None:
    assert expected in short_details(rich.events[event_id - 1])


def test_failure_message_is_flattened_and_cut() -> None:
    event = _event(EventType.EVENT_TYPE_ACTIVITY_TASK_FAILED)
    attrs = event.activity_task_failed_event_attributes
    attrs.failure.message = "first line\nsecond line " + "x" * 200
    details = short_details(event)
    assert '"first line second line xxx' in details
    assert details.count("x") < 70 and "…" in details


def test_root_cause_is_shown_when_it_differs() -> None:
    event = _event(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED)
    failure = event.workflow_execution_failed_event_attributes.failure
    failure.CopyFrom(Failure(message="Activity task failed", cause=Failure(message="disk full")))
    assert short_details(event) == '"Activity task failed" cause="disk full"'


def test_timeouts_name_their_type() -> None:
    task = _event(EventType.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT)
    task.workflow_task_timed_out_event_attributes.timeout_type = (
        TimeoutType.TIMEOUT_TYPE_START_TO_CLOSE
    )
    assert short_details(task) == "timeout=StartToClose"
    activity = _event(EventType.EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT)
    attrs = activity.activity_task_timed_out_event_attributes
    attrs.scheduled_event_id = 5
    attrs.failure.timeout_failure_info.timeout_type = TimeoutType.TIMEOUT_TYPE_HEARTBEAT
    attrs.retry_state = RetryState.RETRY_STATE_TIMEOUT
    assert short_details(activity) == "scheduled=5 timeout=Heartbeat retry=Timeout"


def test_old_style_patch_marker() -> None:
    event = _event(EventType.EVENT_TYPE_MARKER_RECORDED)
    attrs = event.marker_recorded_event_attributes
    attrs.marker_name = "core_patch"
    attrs.details["patch_id"].CopyFrom(Payloads(payloads=[Payload(data=b"old-patch")]))
    attrs.details["deprecated"].CopyFrom(Payloads(payloads=[Payload(data=b"\x01")]))
    assert short_details(event) == "core_patch patch=old-patch deprecated"


def test_other_markers_show_their_name() -> None:
    event = _event(EventType.EVENT_TYPE_MARKER_RECORDED)
    event.marker_recorded_event_attributes.marker_name = "Version"
    assert short_details(event) == "Version"


def test_nexus_operation() -> None:
    event = _event(EventType.EVENT_TYPE_NEXUS_OPERATION_SCHEDULED)
    attrs = event.nexus_operation_scheduled_event_attributes
    attrs.endpoint, attrs.service, attrs.operation = "ep", "payments", "charge"
    assert short_details(event) == "payments.charge endpoint=ep"


@pytest.mark.parametrize(
    ("seconds", "nanos", "text"),
    [(0, 250_000_000, "250ms"), (1, 500_000_000, "1.5s"), (90, 0, "1m30s"), (7200, 0, "2h"),
     (3723, 0, "1h2m3s")],
)
def test_duration_text(seconds: int, nanos: int, text: str) -> None:
    assert duration_text(Duration(seconds=seconds, nanos=nanos)) == text


def test_unknown_enum_numbers_are_shown_as_numbers() -> None:
    assert enum_label(RetryState, 999) == "999"
    assert enum_label(RetryState, RetryState.RETRY_STATE_MAXIMUM_ATTEMPTS_REACHED) == (
        "MaximumAttemptsReached"
    )


class TestTable:
    def test_header_and_one_row_per_event(self, rich: History) -> None:
        lines = format_event_table(rich).splitlines()
        assert lines[0].split() == ["ID", "TIME", "TYPE", "DETAILS"]
        rows = [line for line in lines[1:] if not line.startswith("-")]
        assert len(rows) == len(rich.events)
        assert rows[9].split()[:3] == ["10", rows[9].split()[1], "ActivityTaskScheduled"]
        assert rows[9].endswith("greet id=1")

    def test_a_rule_starts_each_workflow_task_but_the_first(self, rich: History) -> None:
        lines = format_event_table(rich).splitlines()
        rules = [i for i, line in enumerate(lines) if line.startswith("-")]
        scheduled = sum(1 for e in rich.events if e.event_type == 5)
        assert len(rules) == scheduled - 1
        assert all("WorkflowTaskScheduled" in lines[i + 1] for i in rules)

    def test_time_column(self, rich: History) -> None:
        row = format_event_table(rich).splitlines()[1]
        assert row.split()[1] == "2026-11-21T11:20:12.482Z"

    def test_columns_are_aligned(self, rich: History) -> None:
        lines = format_event_table(rich).splitlines()
        start = lines[0].index("DETAILS")
        assert lines[10][start - 2 : start] == "  " and lines[10][start] != " "
