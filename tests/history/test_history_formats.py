"""Every history format users have loads into the same events the SDK reads."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from temporalio.client import WorkflowHistory

from replaydbg.history import format_event_table, load_history, save_history
from tests.history import samples
from tests.history.samples import RICH, proto3_document, reference_events, to_legacy, write

_Maker = Callable[[Path, Path], Path]


def _proto3(src: Path, out: Path) -> Path:
    return write(out / "h.json", proto3_document(src))


def _to_json(src: Path, out: Path) -> Path:
    return write(out / "h.json", WorkflowHistory("x", reference_events(src)).to_json())


def _compact_one_line(src: Path, out: Path) -> Path:
    return write(out / "h.json", json.dumps(proto3_document(src), separators=(",", ":")))


def _legacy_int_ids(src: Path, out: Path) -> Path:
    return write(out / "h.json", to_legacy(proto3_document(src)))


def _mixed_string_ids(src: Path, out: Path) -> Path:
    return write(out / "h.json", to_legacy(proto3_document(src), int_ids=False))


def _bare_list(src: Path, out: Path) -> Path:
    return write(out / "h.json", proto3_document(src)["events"])


def _bare_legacy_list(src: Path, out: Path) -> Path:
    return write(out / "h.json", to_legacy(proto3_document(src))["events"])


def _history_response(src: Path, out: Path) -> Path:
    document: dict[str, Any] = {"history": proto3_document(src), "rawHistory": []}
    return write(out / "h.json", document)


def _with_bom(src: Path, out: Path) -> Path:
    return write(out / "h.json", b"\xef\xbb\xbf" + json.dumps(proto3_document(src)).encode())


def _binary(src: Path, out: Path) -> Path:
    return write(out / "h.pb", samples.binary(src))


def _binary_named_json(src: Path, out: Path) -> Path:
    return write(out / "h.json", samples.binary(src))


def _gzip_json(src: Path, out: Path) -> Path:
    return write(out / "h.json.gz", proto3_document(src), compress=True)


def _gzip_binary(src: Path, out: Path) -> Path:
    return write(out / "h.pb.gz", samples.binary(src), compress=True)


def _gzip_legacy_no_extension(src: Path, out: Path) -> Path:
    return write(out / "download", to_legacy(proto3_document(src)), compress=True)


def _as_is(src: Path, out: Path) -> Path:
    return src


FORMATS: dict[str, _Maker] = {
    "file as shipped": _as_is,
    "proto3 (temporal workflow show --output json)": _proto3,
    "WorkflowHistory.to_json": _to_json,
    "compact one line": _compact_one_line,
    "legacy (int ids, PascalCase)": _legacy_int_ids,
    "mixed (string ids, PascalCase)": _mixed_string_ids,
    "bare event list": _bare_list,
    "bare legacy event list": _bare_legacy_list,
    "GetWorkflowExecutionHistory response": _history_response,
    "UTF-8 BOM": _with_bom,
    "binary protobuf": _binary,
    "binary named .json": _binary_named_json,
    "gzip of JSON": _gzip_json,
    "gzip of binary": _gzip_binary,
    "gzip of legacy, no extension": _gzip_legacy_no_extension,
}


def _sample_ids() -> list[Path]:
    return samples.sample_paths()


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("src", _sample_ids(), ids=lambda p: p.stem)
def test_every_format_loads_the_sdk_events(src: Path, fmt: str, tmp_path: Path) -> None:
    path = FORMATS[fmt](src, tmp_path)
    history = load_history(path)
    assert list(history.events) == reference_events(src)
    assert history.source == str(path)


def test_legacy_conversion_really_changes_the_file(tmp_path: Path) -> None:
    # Guard for the matrix: the legacy variants must not silently be proto3 again.
    text = _legacy_int_ids(RICH, tmp_path).read_text()
    assert '"eventType": "ActivityTaskScheduled"' in text
    assert '"kind": "Normal"' in text
    assert '"eventId": 1,' in text
    assert "EVENT_TYPE_" not in text


def test_peer_histories_include_the_mixed_format(peers: list[Path]) -> None:
    mixed = [p for p in peers if '"eventType":"WorkflowExecutionStarted"' in p.read_text()]
    assert mixed, "the peer histories should contain string ids with PascalCase types"
    for path in mixed:
        assert list(load_history(path).events) == reference_events(path)


@pytest.mark.parametrize("src", _sample_ids(), ids=lambda p: p.stem)
def test_every_history_formats_as_a_table(src: Path) -> None:
    history = load_history(src)
    table = format_event_table(history)
    rows = [line for line in table.splitlines()[1:] if not line.startswith("-")]
    assert len(rows) == len(history.events)
    assert [int(row.split()[0]) for row in rows] == list(range(1, len(history.events) + 1))


@pytest.mark.parametrize("name", ["h.json", "h.json.gz", "h.pb", "h.binpb.gz"])
def test_saved_history_loads_back(name: str, tmp_path: Path, rich: Any) -> None:
    path = save_history(rich, tmp_path / name)
    assert list(load_history(path).events) == list(rich.events)


def test_saved_json_is_the_cli_shape(tmp_path: Path, rich: Any) -> None:
    document = json.loads(save_history(rich, tmp_path / "h.json").read_text())
    assert list(document) == ["events"]
    first = document["events"][0]
    assert first["eventId"] == "1"
    assert first["eventType"] == "EVENT_TYPE_WORKFLOW_EXECUTION_STARTED"
    assert list(WorkflowHistory.from_json("x", document).events) == list(rich.events)


def test_saved_gzip_and_binary_are_what_their_names_say(tmp_path: Path, rich: Any) -> None:
    assert save_history(rich, tmp_path / "h.json.gz").read_bytes()[:2] == b"\x1f\x8b"
    assert save_history(rich, tmp_path / "h.pb").read_bytes()[:1] == b"\n"


class TestWorkflowId:
    def test_recorded_id_is_used_when_the_file_has_one(self, tmp_path: Path) -> None:
        path = write(tmp_path / "anything.json", proto3_document(RICH))
        assert load_history(path).workflow_id == "rich-workflow"

    def test_file_stem_without_history_suffixes_otherwise(self, tmp_path: Path) -> None:
        document = proto3_document(RICH)
        del document["events"][0]["workflowExecutionStartedEventAttributes"]["workflowId"]
        path = write(tmp_path / "order-42.json.gz", document, compress=True)
        assert load_history(path).workflow_id == "order-42"

    def test_explicit_id_wins(self) -> None:
        assert load_history(RICH, workflow_id="given").workflow_id == "given"
