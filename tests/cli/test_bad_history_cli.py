"""Bad history files on the command line: exit 2 and a message, never a hang or a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.history.samples import RICH, proto3_document, write


def _replaydbg(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-mreplaydbg", *args], capture_output=True,
                          text=True, timeout=60, check=False)


def test_fifo_is_refused_not_waited_on(tmp_path: Path) -> None:
    fifo = tmp_path / "h.json"
    os.mkfifo(fifo)
    result = _replaydbg("history", "show", str(fifo))
    assert result.returncode == 2 and "is a FIFO (named pipe)" in result.stderr


def test_size_cap_option(tmp_path: Path) -> None:
    result = _replaydbg("history", "show", "--max-history-size", "1KiB", str(RICH))
    assert result.returncode == 2
    assert "over the history size limit of 1 KiB" in result.stderr
    assert _replaydbg("history", "show", "--max-history-size", "5MB", str(RICH)).returncode == 0


def test_bad_size_is_a_usage_error() -> None:
    result = _replaydbg("history", "show", "--max-history-size", "huge", str(RICH))
    assert result.returncode == 2 and "invalid history size limit 'huge'" in result.stderr


@pytest.mark.parametrize("command", [["history", "show"], ["replay", "-q"]])
def test_attributes_of_another_type_are_an_input_error(tmp_path: Path,
                                                       command: list[str]) -> None:
    document = proto3_document(RICH)
    event = next(e for e in document["events"]
                 if e["eventType"] == "EVENT_TYPE_ACTIVITY_TASK_SCHEDULED")
    del event["activityTaskScheduledEventAttributes"]
    event["timerStartedEventAttributes"] = {"timerId": "1"}
    result = _replaydbg(*command, str(write(tmp_path / "h.json", document)))
    output = result.stdout + result.stderr  # replay reports each history's error on stdout
    assert result.returncode == 2, output
    assert "is ActivityTaskScheduled but carries timer started attributes" in output
    assert "internal error" not in output and "timer=" not in output


def test_deep_json_is_an_input_error(tmp_path: Path) -> None:
    path = write(tmp_path / "h.json", "[" * 100_000 + "]" * 100_000)
    result = _replaydbg("replay", str(path))
    assert result.returncode == 2 and "nested too deeply" in result.stdout + result.stderr
