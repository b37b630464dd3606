"""The fast JSON->protobuf path builds exactly what protobuf's own parser builds."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from google.protobuf import json_format
from temporalio.api.history.v1 import History

from replaydbg.history import load_history
from replaydbg.history.protojson import UnsupportedShape, parse_dict
from tests.history import samples
from tests.history.samples import RICH, proto3_document, write


def _reference(document: Any) -> History:
    return json_format.ParseDict(document, History(), ignore_unknown_fields=True)


@pytest.mark.parametrize("src", samples.sample_paths(), ids=lambda p: p.stem)
def test_same_messages_as_parse_dict(src: Path) -> None:
    document = proto3_document(src)
    assert parse_dict(document, History()) == _reference(document)


def _event(**attrs: Any) -> dict[str, Any]:
    return {"events": [{"eventId": "1", "eventType": "EVENT_TYPE_WORKFLOW_EXECUTION_STARTED",
                        "workflowExecutionStartedEventAttributes": attrs}]}


@pytest.mark.parametrize(
    "document",
    [
        _event(priority={}),  # an empty message is still present
        _event(input={"payloads": [{"data": "eyJh-_"}]}),  # URL-safe base64, no padding
        _event(attempt="3", workflowType={"name": "W"}),  # int32 written as a string
        _event(originalExecutionRunId=None),  # null means absent
        _event(unknownField={"x": 1}, taskQueue={"name": "q", "kind": 1}),  # enum as number
        _event(workflow_type={"name": "snake_case keys are valid too"}),
        _event(retryPolicy={"backoffCoefficient": 2, "maximumAttempts": 3}),
        _event(header={"fields": {"k": {"metadata": {"encoding": "YQ=="}, "data": ""}}}),
        _event(workflowRunTimeout="1.5s", workflowExecutionExpirationTime="2024-01-01T00:00:00Z"),
        # Timestamps: nanoseconds, fewer digits, before 1970, an offset (protobuf's parser).
        _event(workflowExecutionExpirationTime="2024-02-29T23:59:59.123456789Z"),
        _event(workflowExecutionExpirationTime="2024-05-01T12:00:00.5Z"),
        _event(workflowExecutionExpirationTime="1969-12-31T23:59:59.000001Z"),
        _event(workflowExecutionExpirationTime="2024-05-01T14:00:00.25+02:00"),
    ],
    ids=lambda d: next(iter(d["events"][0]["workflowExecutionStartedEventAttributes"])),
)
def test_edge_shapes_match_parse_dict(document: dict[str, Any]) -> None:
    assert parse_dict(copy.deepcopy(document), History()) == _reference(document)


@pytest.mark.parametrize(
    "document",
    [
        _event(taskQueue={"name": "q", "kind": "TASK_QUEUE_KIND_FROM_THE_FUTURE"}),
        _event(taskQueue={"name": "q", "kind": "Normal"}),
        _event(attempt=1.0),
        _event(identity=5),
        _event(taskQueue="a string where an object belongs"),
        _event(workflowExecutionExpirationTime="2024-02-30T00:00:00Z"),
        {"events": {"not": "a list"}},
    ],
)
def test_unusual_shapes_are_left_to_the_reference_parser(document: dict[str, Any]) -> None:
    with pytest.raises((UnsupportedShape, KeyError, TypeError, ValueError)):
        parse_dict(document, History())


def test_unknown_enum_outside_event_types_loads_like_the_sdk(tmp_path: Path) -> None:
    # A newer server may send enum values this temporalio does not know: the load falls
    # back to ParseDict, which ignores them, as WorkflowHistory.from_json does.
    document = proto3_document(RICH)
    started = document["events"][0]["workflowExecutionStartedEventAttributes"]
    started["taskQueue"]["kind"] = "TASK_QUEUE_KIND_FROM_THE_FUTURE"
    loaded = load_history(write(tmp_path / "h.json", document))
    assert list(loaded.events) == list(_reference(document).events)
    assert loaded.events[0].workflow_execution_started_event_attributes.task_queue.kind == 0
