"""Each kind of bad input gives a named error that says what is wrong and what to do."""

from __future__ import annotations

import copy
import gzip
import json
import os
from pathlib import Path
from typing import Any

import pytest
from temporalio.api.enums.v1 import EventType
from temporalio.api.history.v1 import (
    History,
    HistoryEvent,
    WorkflowExecutionStartedEventAttributes,
)

from replaydbg.errors import HistoryContentError, HistoryFileError, ReplaydbgError
from replaydbg.history import load_history
from tests.history.samples import RICH, proto3_document, to_legacy, without_event, write


def _error(path: Path, kind: type[ReplaydbgError] = HistoryFileError) -> str:
    with pytest.raises(kind) as caught:
        load_history(path)
    text = str(caught.value)
    assert str(path) in text, "every message names the file"
    assert caught.value.hint, "every message says what to do"
    assert "Traceback" not in text
    return text


@pytest.fixture
def document() -> dict[str, Any]:
    return proto3_document(RICH)


class TestFileProblems:
    def test_missing_file(self, tmp_path: Path) -> None:
        text = _error(tmp_path / "nope.json")
        assert "does not exist" in text and "temporal workflow show" in text

    def test_directory(self, tmp_path: Path) -> None:
        assert "is a directory" in _error(tmp_path)

    def test_unreadable(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        path = write(tmp_path / "h.json", "{}")

        real_open = os.open

        def refuse(file: Any, flags: int, *args: Any) -> int:
            if str(file) == str(path):
                raise PermissionError(13, "Permission denied", str(file))
            return real_open(file, flags, *args)

        # Root reads everything, so simulate the refusal where the loader opens the file.
        monkeypatch.setattr(os, "open", refuse)
        text = _error(path)
        assert "cannot read" in text and "Permission denied" in text

    def test_empty_file(self, tmp_path: Path) -> None:
        assert "is empty" in _error(write(tmp_path / "h.json", "  \n"))


class TestNotJson:
    def test_html_page(self, tmp_path: Path) -> None:
        path = write(tmp_path / "h.json", "<!DOCTYPE html><html><head><title>Sign in</title>")
        assert "HTML page" in _error(path)

    def test_cli_text_table(self, tmp_path: Path) -> None:
        table = "Progress:\n  ID  Time  Type\n   1  2024-01-01T00:00:00Z  WorkflowTaskStarted\n"
        text = _error(write(tmp_path / "h.txt", table))
        assert "temporal workflow show" in text and "--output json" in text

    def test_plain_text_is_quoted(self, tmp_path: Path) -> None:
        text = _error(write(tmp_path / "h.json", "hello there\nsecond line\n"))
        assert "looks like text starting with 'hello there'" in text

    def test_truncated_json(self, tmp_path: Path) -> None:
        full = RICH.read_text()
        text = _error(write(tmp_path / "h.json", full[: len(full) // 2]))
        assert "truncated" in text and "line" in text and "column" in text

    def test_truncated_inside_a_string(self, tmp_path: Path) -> None:
        text = _error(write(tmp_path / "h.json", '{"events": [{"eventType": "EVENT_TYPE_WORK'))
        assert "truncated" in text

    def test_invalid_json_in_the_middle(self, tmp_path: Path) -> None:
        text = _error(write(tmp_path / "h.json", '{"events": [1,,2]}\n'))
        assert "invalid JSON at line 1, column 15" in text
        assert "truncated" not in text

    def test_two_documents(self, tmp_path: Path) -> None:
        assert "more than one JSON document" in _error(write(tmp_path / "h.json", "{}\n{}\n"))

    def test_not_utf8(self, tmp_path: Path) -> None:
        assert "not UTF-8" in _error(write(tmp_path / "h.json", b'{"events": "\xff\xfe"}'))

    def test_parse_errors_are_chained(self, tmp_path: Path) -> None:
        with pytest.raises(HistoryFileError) as caught:
            load_history(write(tmp_path / "h.json", "{"))
        assert isinstance(caught.value.__cause__, json.JSONDecodeError)


class TestJsonThatIsNotAHistory:
    def test_workflow_description(self, tmp_path: Path) -> None:
        description = {"workflowExecutionInfo": {}, "executionConfig": {}, "result": "x"}
        text = _error(write(tmp_path / "d.json", description))
        assert "workflow description" in text
        assert "executionConfig, result, workflowExecutionInfo" in text

    def test_other_object_lists_its_keys(self, tmp_path: Path) -> None:
        text = _error(write(tmp_path / "d.json", {"items": [], "count": 0}))
        assert 'no "events" list' in text and "keys found: count, items" in text

    def test_scalar(self, tmp_path: Path) -> None:
        text = _error(write(tmp_path / "d.json", '"x"'))
        assert "the JSON is a lone string \"x\", not a workflow history" in text

    @pytest.mark.parametrize("content", ["null", "null\n", " null "])
    def test_null(self, tmp_path: Path, content: str) -> None:
        text = _error(write(tmp_path / "d.json", content))
        assert "the JSON is just `null`, not a workflow history" in text

    def test_events_not_a_list(self, tmp_path: Path) -> None:
        assert '"events" is a dict' in _error(write(tmp_path / "d.json", {"events": {}}))

    def test_item_that_is_not_an_event(self, tmp_path: Path, document: dict[str, Any]) -> None:
        document["events"].insert(3, {"foo": 1})
        text = _error(write(tmp_path / "d.json", document))
        assert "item 3 of the event list is not a history event" in text and '{"foo": 1}' in text

    def test_schema_mismatch(self, tmp_path: Path, document: dict[str, Any]) -> None:
        document["events"][2]["eventTime"] = "yesterday"
        text = _error(write(tmp_path / "d.json", document), HistoryContentError)
        assert "does not match the Temporal history schema" in text and "eventTime" in text


class TestContent:
    def test_empty_history(self, tmp_path: Path) -> None:
        text = _error(write(tmp_path / "h.json", {"events": []}), HistoryContentError)
        assert "has no events" in text

    def test_first_event_not_started(self, tmp_path: Path, document: dict[str, Any]) -> None:
        path = write(tmp_path / "h.json", without_event(document, "1"))
        text = _error(path, HistoryContentError)
        assert "first event is WorkflowTaskScheduled (id 2), not WorkflowExecutionStarted" in text

    @pytest.mark.parametrize("legacy", [False, True])
    def test_unknown_event_type(
        self, tmp_path: Path, document: dict[str, Any], legacy: bool
    ) -> None:
        document["events"][4]["eventType"] = "EVENT_TYPE_TELEPORTED"
        if legacy:
            document = to_legacy(document)
        text = _error(write(tmp_path / "h.json", document), HistoryContentError)
        shown = "'Teleported'" if legacy else "'EVENT_TYPE_TELEPORTED'"
        assert f"event 5 has unknown event type {shown}" in text

    def test_one_missing_event(self, tmp_path: Path, document: dict[str, Any]) -> None:
        path = write(tmp_path / "h.json", without_event(document, "5"))
        text = _error(path, HistoryContentError)
        assert "event ids jump from 4 to 6: event 5 is missing" in text

    def test_several_missing_events(self, tmp_path: Path, document: dict[str, Any]) -> None:
        for event_id in ("5", "6", "7"):
            document = without_event(document, event_id)
        text = _error(write(tmp_path / "h.json", document), HistoryContentError)
        assert "jump from 4 to 8: events 5-7 are missing" in text

    def test_out_of_order(self, tmp_path: Path, document: dict[str, Any]) -> None:
        events = document["events"]
        events[4], events[5] = events[5], events[4]
        text = _error(write(tmp_path / "h.json", document), HistoryContentError)
        assert "events are out of order: event 6 comes before event 5" in text

    def test_duplicate_event(self, tmp_path: Path, document: dict[str, Any]) -> None:
        document["events"].insert(5, copy.deepcopy(document["events"][4]))
        text = _error(write(tmp_path / "h.json", document), HistoryContentError)
        assert "event id 5 appears twice (the 5th and the 6th events of the file)" in text


class TestBinaryAndGzip:
    def test_random_bytes(self, tmp_path: Path) -> None:
        text = _error(write(tmp_path / "h.pb", bytes(range(256)) * 4))
        assert "neither JSON nor a binary temporal.api.history.v1.History" in text

    def test_other_protobuf_message(self, tmp_path: Path) -> None:
        other = WorkflowExecutionStartedEventAttributes(identity="worker", attempt=3)
        text = _error(write(tmp_path / "h.pb", other.SerializeToString()))
        assert "temporal.api.history.v1.History" in text

    def test_corrupt_gzip(self, tmp_path: Path) -> None:
        text = _error(write(tmp_path / "h.json.gz", b"\x1f\x8b\x08\x00garbage-garbage"))
        assert "gzip data is corrupt or truncated" in text

    def test_truncated_gzip(self, tmp_path: Path) -> None:
        data = gzip.compress(RICH.read_bytes())
        text = _error(write(tmp_path / "h.gz", data[: len(data) // 2]))
        assert "gzip data is corrupt or truncated" in text

    def test_gzip_of_garbage_reports_the_content(self, tmp_path: Path) -> None:
        text = _error(write(tmp_path / "h.gz", "not json at all", compress=True))
        assert "looks like text starting with 'not json at all'" in text

    def test_binary_whose_second_byte_is_a_brace(self, tmp_path: Path) -> None:
        # 0x0A then 0x7B ("\n{") looks like JSON; the loader must still read it as binary.
        event = HistoryEvent(event_id=1, event_type=EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED)
        workflow_type = event.workflow_execution_started_event_attributes.workflow_type
        workflow_type.name = "W" * 130
        while event.ByteSize() > 123:
            workflow_type.name = workflow_type.name[1:]
        assert event.ByteSize() == 123
        data = History(events=[event]).SerializeToString()
        assert data[:2] == b"\n{"
        history = load_history(write(tmp_path / "h.bin", data))
        assert list(history.events) == [event]
