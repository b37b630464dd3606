"""``replaydbg check --histories``: saved histories replayed, their breakage on the lines.

The histories are the examples' recordings from a real dev server: greeting's was recorded by
``original_workflows.py`` and today's code swaps an activity; incidents' by code whose tasks
fail.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from tests.replay.conftest import marker_lines

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"


def check(*args: str, cwd: Path = EXAMPLES) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "replaydbg", "check", "--no-cache", *args],
                          capture_output=True, text=True, cwd=cwd, timeout=180)


def test_the_swapped_activity_is_a_finding_on_its_line_with_the_history_event() -> None:
    run = check("greeting", "--histories", "greeting", "-W", "greeting.workflows",
                "--format", "sarif")
    assert run.returncode == 1, run.stderr
    [result] = json.loads(run.stdout)["runs"][0]["results"]
    line = marker_lines(EXAMPLES / "greeting" / "workflows.py")["divergence"]
    location = result["locations"][0]["physicalLocation"]
    assert (result["ruleId"], location["artifactLocation"]["uri"],
            location["region"]["startLine"]) == ("RDB901", "greeting/workflows.py", line)
    assert result["message"]["text"] == (
        "breaks 1 of 1 saved GreetingWorkflow history: event 22 is "
        "ActivityTaskScheduled(send_email), this line issues activity send_sms (id 3)")
    [related] = result["relatedLocations"]
    history = EXAMPLES / "greeting" / "history.json"
    at = related["physicalLocation"]["region"]["startLine"]
    assert related["physicalLocation"]["artifactLocation"]["uri"] == "greeting/history.json"
    assert '"eventId": "22"' in history.read_text().splitlines()[at]  # the line below "{"
    assert related["message"]["text"] == "history.json: event 22"


def test_the_code_that_recorded_them_has_no_replay_finding() -> None:
    run = check("greeting", "--histories", "greeting", "-W", "greeting.original_workflows")
    assert "RDB9" not in run.stdout, run.stdout
    assert run.returncode == 0, run.stdout + run.stderr


def test_task_failures_are_on_the_raising_lines(tmp_path: Path) -> None:
    # failed.json ends in a workflow failure the code still raises: it replays, no finding.
    for name in ("failed.json", "stuck.json", "deadlock.json"):
        shutil.copy(EXAMPLES / "incidents" / name, tmp_path / name)
    run = check("incidents", "--histories", str(tmp_path), "-W", "incidents.workflows",
                "--format", "json", "--select", "RDB9")
    assert run.returncode == 1, run.stderr
    markers = marker_lines(EXAMPLES / "incidents" / "workflows.py")
    found = {(f["code"], f["path"], f["span"]["line"]) for f in json.loads(run.stdout)}
    assert found == {("RDB902", "incidents/workflows.py", markers["lookup"]),
                     ("RDB902", "incidents/workflows.py", markers["spin"])}, found


def test_select_and_ignore_apply_to_replay_findings() -> None:
    run = check("greeting", "--histories", "greeting", "-W", "greeting.workflows",
                "--ignore", "RDB901")
    assert run.returncode == 0 and "RDB901" not in run.stdout, run.stdout


def test_a_file_that_is_no_history_is_a_finding_on_it_and_the_rest_replays(
        tmp_path: Path) -> None:
    (tmp_path / "notes.json").write_text('{"hello": 1}')
    shutil.copy(EXAMPLES / "greeting" / "history.json", tmp_path / "greeting.json")
    run = check("greeting", "--histories", str(tmp_path), "-W", "greeting.workflows",
                "--format", "json")
    assert run.returncode == 1
    found = {(f["code"], Path(f["path"]).name) for f in json.loads(run.stdout)}
    assert found == {("RDB903", "notes.json"), ("RDB901", "workflows.py")}


def test_bad_history_options_are_input_errors(tmp_path: Path) -> None:
    missing = check("greeting", "--histories", "no-such-folder")
    assert missing.returncode == 2
    assert "no such history folder or file: no-such-folder" in missing.stderr
    empty = check("greeting", "--histories", str(tmp_path))
    assert empty.returncode == 2 and "no history files in" in empty.stderr
    (tmp_path / "pyproject.toml").write_text("[tool.replaydbg]\nworkflows = []\n")
    unconfigured = check(".", "--replay-histories", cwd=tmp_path)
    assert unconfigured.returncode == 2
    assert "[tool.replaydbg] lists no histories" in unconfigured.stderr
    assert "Traceback" not in missing.stderr + empty.stderr + unconfigured.stderr


def test_the_project_table_gives_the_histories_and_workflows(tmp_path: Path) -> None:
    shutil.copytree(EXAMPLES / "greeting", tmp_path / "greeting")
    (tmp_path / "histories").mkdir()
    shutil.move(tmp_path / "greeting" / "history.json", tmp_path / "histories" / "g.json")
    (tmp_path / "pyproject.toml").write_text(
        '[tool.replaydbg]\nworkflows = ["greeting/workflows.py"]\nhistories = ["histories"]\n')
    run = check(".", "--replay-histories", "--format", "json", cwd=tmp_path)
    assert run.returncode == 1, run.stderr
    [finding] = [f for f in json.loads(run.stdout) if f["code"].startswith("RDB9")]
    assert (finding["code"], finding["path"]) == ("RDB901", "greeting/workflows.py")
