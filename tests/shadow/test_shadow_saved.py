"""``replaydbg shadow`` over saved folders: the same engine, the report, bad input, Ctrl-C."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import pytest

from replaydbg.errors import InputError
from replaydbg.shadow.selection import Selection, parse_since, status_name
from tests.replay.conftest import marker_lines

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
SPECS = ["-W", "greeting.workflows", "-W", "orders.workflows", "-W", "incidents.workflows"]


def shadow(*args: str, cwd: Path = EXAMPLES, env: dict[str, str] | None = None,
           ) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "replaydbg", "shadow", "--no-progress",
                           "--no-config", *args], capture_output=True, text=True, cwd=cwd,
                          env=env, timeout=180)


def test_the_examples_group_by_cause_and_line_with_two_processes() -> None:
    run = shadow("greeting", "orders", "incidents", *SPECS, "--jobs", "2", "--json")
    assert run.returncode == 1, run.stderr
    report = json.loads(run.stdout)
    assert report["summary"] | {"fetched": 0} == {
        "histories": 12, "ok": 3, "nondeterminism": 1, "failed": 8, "unusable": 0,
        "interrupted": False, "fetched": 0, "cached": 0}
    incidents = marker_lines(EXAMPLES / "incidents" / "workflows.py")
    greeting = marker_lines(EXAMPLES / "greeting" / "workflows.py")
    groups = {(g["status"], g["kind"], Path(g["path"]).name, g["line"]): g["count"]
              for g in report["groups"]}
    assert groups == {
        ("nondeterminism", "mismatch", "workflows.py", greeting["divergence"]): 1,
        ("failed", "KeyError", "workflows.py", incidents["lookup"]): 2,
        ("failed", "WorkflowDeadlock", "workflows.py", incidents["spin"]): 2,
        ("failed", "WorkflowDeadlock", "workflows.py", incidents["crunch"]): 2,
        ("failed", "RestrictedWorkflowAccessError", "workflows.py", incidents["wall_clock"]): 2,
    }
    # The divergence comes first, with the SDK-independent explanation.
    assert report["groups"][0]["status"] == "nondeterminism"
    assert "send_sms" in report["groups"][0]["message"]


def test_one_process_and_thorough_agree_with_two() -> None:
    plain = json.loads(shadow("greeting", "orders", *SPECS, "--jobs", "1", "--json").stdout)
    thorough = json.loads(shadow("greeting", "orders", *SPECS, "--jobs", "1", "--thorough",
                                 "--json").stdout)
    assert plain["groups"] == thorough["groups"]
    assert plain["summary"]["ok"] == thorough["summary"]["ok"] == 2


def test_unusable_histories_are_reported_each_and_exit_2(tmp_path: Path) -> None:
    (tmp_path / "broken.json").write_text("{not json")
    shutil.copy(EXAMPLES / "orders" / "history.json", tmp_path / "orders.json")
    run = shadow(str(tmp_path), "-W", "greeting.workflows")  # orders' workflow not given
    assert run.returncode == 2, run.stdout + run.stderr
    assert "shadowed 2 histories: 0 ok, 0 nondeterministic, 0 failed, 2 unusable" in run.stdout
    assert "UNUSABLE  1 history" in run.stdout
    assert "Traceback" not in run.stderr


@pytest.mark.parametrize(("args", "says"), [
    ([], "nothing to shadow"),
    (["greeting", "-t", "GreetingWorkflow"], "both saved histories and a server selection"),
    (["greeting", "--jobs", "0"], "--jobs 0"),
    (["-t", "X", "--sample-rate", "2"], "--sample-rate 2.0 is not in (0, 1]"),
    (["greeting", "--max", "3"], "--sample-rate and --max sample a server selection"),
    (["-t", "X", "--since", "yesterday"], "--since 'yesterday' is neither"),
    (["-t", "X", "--status", "sleeping"], "--status 'sleeping' is not an execution status"),
])
def test_bad_input_is_named_with_exit_2(args: list[str], says: str) -> None:
    run = shadow(*args, "-W", "greeting.workflows")
    assert run.returncode == 2, run.stdout + run.stderr
    assert says in run.stderr
    assert "Traceback" not in run.stderr


def test_a_missing_path_is_an_unusable_history_as_in_replay() -> None:
    run = shadow("no-such-folder", "-W", "greeting.workflows")
    assert run.returncode == 2, run.stdout + run.stderr
    assert "shadowed 1 history: 0 ok" in run.stdout
    assert "history file no-such-folder does not exist" in run.stdout


def test_ctrl_c_prints_the_partial_report_and_leaves_nothing_behind(tmp_path: Path) -> None:
    folder = tmp_path / "histories"
    folder.mkdir()
    for n in range(6):  # each replay spins until the 2 s deadlock detection
        shutil.copy(EXAMPLES / "incidents" / "deadlock.json", folder / f"deadlock-{n}.json")
    shutil.copy(EXAMPLES / "orders" / "history.json", folder / "a-orders.json")
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    marker = f"shadow-ctrl-c-{os.getpid()}-{time.monotonic_ns()}"
    env = {**os.environ, "TMPDIR": str(scratch), "REPLAYDBG_TEST_MARKER": marker}
    proc = subprocess.Popen([sys.executable, "-m", "replaydbg", "shadow", "--no-progress",
                             "--no-config", str(folder), *SPECS, "--jobs", "2"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            cwd=EXAMPLES, env=env)
    time.sleep(4)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, out + err
    assert "(interrupted: a partial report)" in out.splitlines()[0]
    assert "Traceback" not in err
    assert list(scratch.iterdir()) == []
    deadline = time.monotonic() + 10
    while _marked(marker) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _marked(marker) == []


def _marked(marker: str) -> list[int]:
    """Processes whose environment carries ``marker``."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if marker.encode() in (entry / "environ").read_bytes():
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


def test_the_selection_makes_the_query() -> None:
    since = datetime(2026, 11, 30, 8, 0, tzinfo=timezone.utc)
    selection = Selection("CustomStatus = 'x'", ("A", "B"), since, ("Completed",))
    assert selection.visibility_query() == (
        "(CustomStatus = 'x') AND (WorkflowType = 'A' OR WorkflowType = 'B') AND "
        "StartTime > '2026-11-30T08:00:00Z' AND ExecutionStatus = 'Completed' AND "
        "WorkflowType != 'replaydbg.Shadow'")
    assert selection.asked() == selection.visibility_query().rsplit(" AND ", 1)[0]
    assert Selection(workflow_types=("it's",)).visibility_query() == (
        "WorkflowType = 'it\\'s' AND WorkflowType != 'replaydbg.Shadow'")
    assert Selection().visibility_query() == "WorkflowType != 'replaydbg.Shadow'"
    now = datetime(2026, 12, 4, tzinfo=timezone.utc)
    assert parse_since("7d", now) == datetime(2026, 11, 27, tzinfo=timezone.utc)
    assert parse_since("2026-11-30", now) == datetime(2026, 11, 30, tzinfo=timezone.utc)
    assert status_name("Continued_As_New") == "ContinuedAsNew"
    with pytest.raises(InputError):
        Selection(limit=0)


def test_sampling_takes_about_the_rate_and_the_same_runs() -> None:
    half = Selection(sample_rate=0.25)
    runs = [f"run-{n}" for n in range(4000)]
    taken = [r for r in runs if half.sampled(r)]
    assert 800 < len(taken) < 1200
    assert taken == [r for r in runs if half.sampled(r)]
