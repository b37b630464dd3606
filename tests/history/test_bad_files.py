"""Files that are not histories at all, or are built to hurt: refused fast, in bounded memory.

Each case is one the loader once hung on, blew up on, or misnamed; the message must say what
the file is and what to do.
"""

from __future__ import annotations

import gzip
import json
import os
import resource
import threading
import time
import zlib
from pathlib import Path
from typing import Any

import pytest

from replaydbg.errors import ConfigError, HistoryContentError, HistoryFileError, ReplaydbgError
from replaydbg.history import load_history
from replaydbg.history.limits import ENV_VAR, parse_size
from tests.history.samples import RICH, proto3_document, write


def _error(path: Path, kind: type[ReplaydbgError] = HistoryFileError, **kwargs: Any) -> str:
    with pytest.raises(kind) as caught:
        load_history(path, **kwargs)
    text = str(caught.value)
    assert str(path) in text and caught.value.hint
    return text


def _in_thread(func: Any) -> Any:
    """Run ``func`` with a deadline: a hang fails the test instead of blocking the run."""
    outcome: list[Any] = []
    thread = threading.Thread(target=lambda: outcome.append(_catch(func)), daemon=True)
    thread.start()
    thread.join(10)
    assert outcome, "the loader hung"
    return outcome[0]


def _catch(func: Any) -> Any:
    try:
        return func()
    except ReplaydbgError as err:
        return err


class TestNotRegularFiles:
    def test_fifo_is_refused_without_waiting_for_a_writer(self, tmp_path: Path) -> None:
        fifo = tmp_path / "history.json"
        os.mkfifo(fifo)
        err = _in_thread(lambda: load_history(fifo))
        assert isinstance(err, HistoryFileError)
        assert "is a FIFO (named pipe), not a history file" in str(err)
        assert "save the history to a file first" in str(err)

    def test_dev_zero_is_refused(self) -> None:
        err = _in_thread(lambda: load_history("/dev/zero"))
        assert isinstance(err, HistoryFileError)
        assert "/dev/zero is a character device, not a history file" in str(err)

    def test_symlink_loop_is_named(self, tmp_path: Path) -> None:
        link = tmp_path / "h.json"
        link.symlink_to(tmp_path / "other.json")
        (tmp_path / "other.json").symlink_to(link)
        text = _error(link)
        assert "the symbolic link loops" in text and "permissions" not in text


class TestSizeCaps:
    def test_file_over_the_cap_names_cap_and_option(self, tmp_path: Path) -> None:
        text = _error(RICH, max_size=1000)
        assert "over the history size limit of 1000 bytes" in text
        assert "--max-history-size" in text and ENV_VAR in text

    def test_cap_from_the_environment(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv(ENV_VAR, "2KiB")
        assert "limit of 2 KiB" in _error(RICH)
        monkeypatch.setenv(ENV_VAR, "10MB")
        assert load_history(RICH).events

    def test_decompressed_size_is_capped(self, tmp_path: Path) -> None:
        path = write(tmp_path / "h.json.gz", RICH.read_bytes(), compress=True)
        assert path.stat().st_size < 20_000 < len(RICH.read_bytes())
        text = _error(path, max_size=20_000)
        assert "decompresses to more than 19.5 KiB" in text

    def test_gzip_bomb_is_refused_fast_in_bounded_memory(self, tmp_path: Path) -> None:
        deflate = zlib.compressobj(9, zlib.DEFLATED, 31)
        zeros = bytes(1 << 20)
        bomb = b"".join(deflate.compress(zeros) for _ in range(1024)) + deflate.flush()
        path = write(tmp_path / "bomb.json.gz", bomb)
        assert path.stat().st_size < 2 << 20  # 1 GiB of zeros in about 1 MB
        peak_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        started = time.monotonic()
        text = _error(path)
        assert time.monotonic() - started < 2
        grown_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak_before
        assert grown_kib < 100 * 1024
        assert "the byte 0x00 repeated" in text and "decompression bomb" in text

    def test_bomb_of_a_plausible_start_hits_the_cap(self, tmp_path: Path) -> None:
        body = b'{"events": [' + b" " * (5 << 20)
        path = write(tmp_path / "bomb.gz", body, compress=True)
        assert "decompresses to more than 1 MiB" in _error(path, max_size=1 << 20)

    @pytest.mark.parametrize(("text", "size"), [("1GiB", 1 << 30), ("500MB", 500_000_000),
                                                ("2048", 2048), ("1.5 kib", 1536)])
    def test_size_syntax(self, text: str, size: int) -> None:
        assert parse_size(text) == size

    @pytest.mark.parametrize("text", ["", "-1", "0", "lots", "5 parsecs"])
    def test_bad_size(self, text: str) -> None:
        with pytest.raises(ConfigError, match="invalid history size limit"):
            parse_size(text)


class TestCompressionAndEncodings:
    def test_gzip_nested_four_times_is_named(self, tmp_path: Path) -> None:
        data = RICH.read_bytes()
        for _ in range(4):
            data = gzip.compress(data)
        text = _error(write(tmp_path / "h.gz", data))
        assert "gzip nested more than 3 times" in text and "protobuf" not in text

    def test_gzip_three_times_still_loads(self, tmp_path: Path) -> None:
        data = RICH.read_bytes()
        for _ in range(3):
            data = gzip.compress(data)
        assert load_history(write(tmp_path / "h.gz", data)).events

    def test_concatenated_gzip_members_load(self, tmp_path: Path) -> None:
        data = RICH.read_bytes()
        half = len(data) // 2
        path = write(tmp_path / "h.gz", gzip.compress(data[:half]) + gzip.compress(data[half:]))
        assert load_history(path).events

    @pytest.mark.parametrize(("magic", "name"), [(b"BZh91AY&SY", "bzip2"),
                                                 (b"\xfd7zXZ\x00\x00", "xz"),
                                                 (b"\x28\xb5\x2f\xfd\x00", "zstd")])
    def test_other_compressions_are_named(self, tmp_path: Path, magic: bytes, name: str) -> None:
        text = _error(write(tmp_path / "h.json", magic + bytes(range(200))))
        assert f"the file is {name}-compressed" in text

    @pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-32"])
    def test_utf16_text_says_resave_as_utf8(self, tmp_path: Path, encoding: str) -> None:
        raw = RICH.read_text().encode(encoding)
        text = _error(write(tmp_path / "h.json", raw))
        assert "text in UTF-16" in text and "re-save it as UTF-8" in text
        assert "protobuf" not in text

    def test_latin1_json_says_resave_as_utf8(self, tmp_path: Path) -> None:
        document = proto3_document(RICH)
        document["events"][0]["workflowExecutionStartedEventAttributes"]["identity"] = "café"
        raw = json.dumps(document, ensure_ascii=False).encode("latin-1")
        text = _error(write(tmp_path / "h.json", raw))
        assert "Latin-1" in text and "re-save it as UTF-8" in text

    def test_latin1_prose_says_resave_as_utf8(self, tmp_path: Path) -> None:
        raw = "Événements: déjà réglés, à côté\n".encode("latin-1") * 20
        text = _error(write(tmp_path / "h.txt", raw))
        assert "single-byte encoding (Latin-1" in text and "protobuf" not in text


class TestStructure:
    def test_json_nested_100000_levels_is_an_input_error(self, tmp_path: Path) -> None:
        path = write(tmp_path / "h.json", "[" * 100_000 + "]" * 100_000)
        assert "nested too deeply" in _error(path)

    def test_object_nested_deeply(self, tmp_path: Path) -> None:
        path = write(tmp_path / "h.json", '{"a":' * 100_000 + "1" + "}" * 100_000)
        assert "nested too deeply" in _error(path)

    def test_attributes_of_another_event_type(self, tmp_path: Path) -> None:
        document = proto3_document(RICH)
        event = next(e for e in document["events"]
                     if e["eventType"] == "EVENT_TYPE_ACTIVITY_TASK_SCHEDULED")
        event["timerStartedEventAttributes"] = {"timerId": "1", "startToFireTimeout": "1s"}
        del event["activityTaskScheduledEventAttributes"]
        text = _error(write(tmp_path / "h.json", document), HistoryContentError)
        assert (f"event {event['eventId']} is ActivityTaskScheduled but carries timer started "
                "attributes") in text

    def test_event_without_attributes(self, tmp_path: Path) -> None:
        document = proto3_document(RICH)
        del document["events"][2]["workflowExecutionSignaledEventAttributes"]
        text = _error(write(tmp_path / "h.json", document), HistoryContentError)
        assert "event 3 is WorkflowExecutionSignaled but carries no attributes" in text
