"""The adapter under a second real DAP client: Emacs dap-mode in batch mode, when installed.

emacs_client.el loads editor-client/emacs/replaydbg-dap.el as a user would, starts the
greeting example from its debug template with the event breakpoint TimerFired, continues,
steps to the next history event, steps back and disconnects, writing each stop as JSON lines.
Debian: `apt-get install emacs-nox elpa-dap-mode` (.ci/run does).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
CLIENT = Path(__file__).with_name("emacs_client.el")
WORKFLOWS = ROOT / "examples" / "greeting" / "workflows.py"
EMACS_TIMEOUT = 60


def _dap_mode_missing() -> str | None:
    """Why the test cannot run here, or None."""
    if shutil.which("emacs") is None:
        return "emacs is not installed (Debian: apt-get install emacs-nox elpa-dap-mode)"
    probe = subprocess.run(["emacs", "--batch", "--eval", "(require 'dap-mode)"],
                           capture_output=True, text=True, timeout=60, check=False)
    if probe.returncode != 0:
        return "Emacs dap-mode is not installed (Debian: apt-get install elpa-dap-mode)"
    return None


def _markers(path: Path) -> dict[str, int]:
    return {m.group(1): number for number, text in enumerate(path.read_text().splitlines(), 1)
            for m in [re.search(r"#\s*@([\w-]+)", text)] if m}


def _tagged(tag: str) -> list[int]:
    """Live processes whose environment holds ``tag``: what this test's emacs started."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if ") Z " in (entry / "stat").read_text() or \
                    tag.encode() not in (entry / "environ").read_bytes():
                continue
        except OSError:  # gone meanwhile, or not ours
            continue
        found.append(int(entry.name))
    return found


def _gone_within(tag: str, seconds: float) -> list[int]:
    deadline = time.monotonic() + seconds
    while (left := _tagged(tag)) and time.monotonic() < deadline:
        time.sleep(0.1)
    return left


def _run_emacs(tmp_path: Path) -> tuple[list[dict[str, Any]], list[int], list[str]]:
    """The client's JSON lines, the processes it left, the session folders it left."""
    reason = _dap_mode_missing()
    if reason is not None:
        pytest.skip(reason)
    out, temp, tag = tmp_path / "emacs.jsonl", tmp_path / "tmp", f"rdb-emacs-{uuid.uuid4()}"
    temp.mkdir()
    env = {**os.environ, "HOME": str(tmp_path / "home"), "TMPDIR": str(temp),
           "RDB_TAG": tag, "RDB_ROOT": str(ROOT), "RDB_PYTHON": sys.executable,
           "RDB_OUT": str(out)}
    try:
        done = subprocess.run(["emacs", "--batch", "-l", str(CLIENT)], env=env, cwd=tmp_path,
                              capture_output=True, text=True, timeout=EMACS_TIMEOUT,
                              check=False)
        left = _gone_within(tag, 5)
    finally:
        for pid in _tagged(tag):  # only what this test started, found by its tag
            os.kill(pid, signal.SIGKILL)
    lines = [json.loads(line) for line in out.read_text().splitlines()] if out.exists() else []
    assert done.returncode == 0, (lines, done.stderr[-4000:])
    return lines, left, sorted(p.name for p in temp.iterdir())


def test_emacs_dap_mode_stops_on_events_steps_by_event_and_back(tmp_path: Path) -> None:
    lines, left, folders = _run_emacs(tmp_path)
    m = _markers(WORKFLOWS)
    assert lines[0]["command"] == [sys.executable, "-m", "replaydbg", "dap"], lines[0]
    stops = [(s["step"], s["eventId"], s["scopeEventId"], s["description"], s["reason"],
              s["path"], s["line"], s["shownFile"], s["shownLine"]) for s in lines[1:5]]
    where = str(WORKFLOWS)

    def at(line: int) -> tuple[str, int, str, int]:  # the frame and what the window shows
        return (where, line, where, line)

    assert stops == [
        ("entry", 1, "1", "Event 1 WorkflowExecutionStarted", "entry", *at(m["fetch"])),
        ("continue", 18, "18", "Event 18 TimerFired (timer 1)", "breakpoint", *at(m["delay"] + 1)),
        ("nextEvent", 22, "22", "Non-determinism", "exception", *at(m["divergence"])),
        ("stepBack", 18, "18", "Event 18 TimerFired (timer 1)", "breakpoint", *at(m["delay"] + 1)),
    ], lines
    assert lines[5:] and lines[5].get("adapterExit") == 0, "the adapter ended by itself"
    assert not left, f"processes outlived the session: {left}"
    assert not folders, f"session folders left behind: {folders}"
