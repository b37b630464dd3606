"""Progress of a long replay: on stderr only, lines off a terminal, a bar on one."""

from __future__ import annotations

import fcntl
import io
import json
import os
import pty
import re
import struct
import subprocess
import sys
import termios
import time

from replaydbg.cli.progress import Progress

from .conftest import EXAMPLES, ROOT

BATCH = ["replay", str(EXAMPLES / "batch" / "history.json"), "--workflow", "examples/batch"]
FAST = {"REPLAYDBG_PROGRESS_INTERVAL": "0.2"}
LINE = re.compile(r"^replaydbg: replaying: [\d,]+/10,548 \(\d+%\), \d+s$", re.M)


def test_quiet_replay_reports_progress_lines_on_stderr_and_keeps_stdout_clean(cli):
    result = cli(*BATCH, "-q", env=FAST)
    assert result.code == 0, result.err
    assert result.out.splitlines() == [
        f"OK  {EXAMPLES / 'batch' / 'history.json'}: replayed 10548 events deterministically"]
    assert len(LINE.findall(result.err)) >= 2, result.err
    # The last stage (mapping) says it ended only if it lasted long enough to speak: how
    # long it lasts depends on the machine; test_a_long_stage_says_it_ended pins the rule.
    mapping = [line for line in result.err.splitlines()
               if line.startswith("replaydbg: mapping events")]
    assert not mapping or mapping[-1].startswith("replaydbg: mapping events: done in")
    assert "\r" not in result.err  # no bar off a terminal


def test_json_output_stays_a_json_document_while_progress_goes_to_stderr(cli):
    result = cli(*BATCH, "--json", env=FAST)
    assert result.code == 0, result.err
    assert json.loads(result.out)["summary"]["ok"] == 1
    assert LINE.search(result.err), result.err


def test_full_trace_has_no_progress_in_it_and_no_progress_is_quiet(cli):
    result = cli(*BATCH, "--no-progress", env=FAST)
    assert result.code == 0, result.err
    assert "replaydbg:" not in result.out
    assert len(result.out.splitlines()) > 10_548
    assert "replaying" not in result.err


def test_a_terminal_gets_a_bar_on_stderr_and_nothing_on_stdout():
    leader, follower = pty.openpty()
    # A fresh pty is 0x0; a real terminal has a size (tqdm draws to its width).
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 120, 0, 0))
    proc = subprocess.Popen([sys.executable, "-mreplaydbg", *BATCH, "-q"], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=follower, text=True)
    os.close(follower)
    seen = _read_all(leader)
    out, _ = proc.communicate(timeout=240)
    assert proc.returncode == 0
    assert out.startswith("OK ") and len(out.splitlines()) == 1
    assert re.search(r"replaying: +\d+%\|.*\| \d+/10548 \[", seen), seen[-2000:]


def _read_all(fd: int) -> str:
    chunks = []
    while True:
        try:
            chunk = os.read(fd, 65536)
        except OSError:  # the child closed its end
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(fd)
    return b"".join(chunks).decode(errors="replace")


def test_a_short_stage_prints_nothing_off_a_terminal():
    stream = io.StringIO()
    progress = Progress(stream)
    progress.start("replaying", 100)
    progress.update(50)
    progress.close()
    assert stream.getvalue() == ""


def test_a_long_stage_says_it_ended(monkeypatch):
    monkeypatch.setenv("REPLAYDBG_PROGRESS_INTERVAL", "0.05")
    stream = io.StringIO()
    with Progress(stream) as progress:
        progress.start("mapping events", 100)
        progress.update(40)
        time.sleep(0.3)
        progress.update(100)
    lines = stream.getvalue().splitlines()
    assert lines[0].startswith("replaydbg: mapping events: 40/100 (40%)"), lines
    assert lines[-1] == "replaydbg: mapping events: done in 0s", lines
