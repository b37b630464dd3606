"""``replaydbg history pull`` against a real dev server, and the pulled folder replayed.

The server holds four runs of the greeting workflow as first written (today's code sends an
SMS instead of the email, so they diverge) and, newest, one run of today's code. The project
is the greeting example with today's code and ``[tool.replaydbg.recent_histories]``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from replaydbg.testing import DevServer
from tests.support.greeting_server import record_greetings, serving

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
OLD = 4  # runs of the original code; then one of today's


async def _record(address: str) -> None:
    await record_greetings(address, old=OLD, new=1, prefix="pull-")


@pytest.fixture(scope="module")
def server() -> Iterator[DevServer]:
    with serving(_record) as dev:
        yield dev


def make_project(root: Path, recent: str = 'folder = ".recent"\nmax = 3\n') -> Path:
    shutil.copytree(EXAMPLES / "greeting", root / "greeting",
                    ignore=shutil.ignore_patterns("__pycache__", "*.json", "original_*"))
    (root / "pyproject.toml").write_text(
        '[tool.replaydbg]\nworkflows = ["greeting.workflows"]\n\n'
        f"[tool.replaydbg.recent_histories]\n{recent}")
    return root


def replaydbg(cwd: Path, *args: str, address: str | None = None,
              ) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "TEMPORAL_CONFIG_FILE": os.devnull, "XDG_CACHE_HOME": str(cwd / "cache")}
    if address:
        env["TEMPORAL_ADDRESS"] = address
    return subprocess.run([sys.executable, "-m", "replaydbg", *args], capture_output=True,
                          text=True, cwd=cwd, env=env, timeout=120)


def pulled_files(folder: Path) -> set[str]:
    return {p.name for p in folder.glob("*.binpb")}


def test_a_pull_fetches_the_newest_runs_then_only_what_changed(server: DevServer,
                                                               tmp_path: Path) -> None:
    project = make_project(tmp_path)
    first = replaydbg(project, "history", "pull", "--json", address=server.address)
    assert first.returncode == 0, first.stderr
    result = json.loads(first.stdout)
    assert result["per_type"] == {"GreetingWorkflow": 3}
    assert (result["fetched"], result["kept"], result["removed"]) == (3, 0, 0)
    assert "pulled 3 histories (3 of GreetingWorkflow)" in first.stderr
    folder = project / ".recent"
    files = pulled_files(folder)
    assert len(files) == 3 and (folder / ".replaydbg-pulled").is_file()

    again = replaydbg(project, "history", "pull", address=server.address)
    assert again.returncode == 0, again.stderr
    assert "0 fetched, 3 already there, 0 removed" in again.stderr
    assert pulled_files(folder) == files

    fewer = replaydbg(project, "history", "pull", "--max", "2", address=server.address)
    assert fewer.returncode == 0, fewer.stderr
    assert "0 fetched, 2 already there, 1 removed" in fewer.stderr
    assert len(pulled_files(folder)) == 2 and pulled_files(folder) < files


def test_check_replays_the_pulled_histories_and_finds_the_divergence(server: DevServer,
                                                                     tmp_path: Path) -> None:
    project = make_project(tmp_path, 'folder = ".recent"\nmax = 5\n')
    before = replaydbg(project, "check", "greeting", "--replay-histories")
    assert before.returncode == 2
    assert "not pulled yet" in before.stderr and "replaydbg history pull" in before.stderr
    assert replaydbg(project, "history", "pull", address=server.address).returncode == 0
    checked = replaydbg(project, "check", "greeting", "--replay-histories",
                        "--format", "json")
    assert checked.returncode == 1, checked.stderr
    findings = [f for f in json.loads(checked.stdout) if f["code"] == "RDB901"]
    line = next(n for n, text in enumerate(
        (project / "greeting" / "workflows.py").read_text().splitlines(), 1)
        if text.rstrip().endswith("# @divergence"))
    assert [(Path(f["path"]).name, f["span"]["line"]) for f in findings] == [("workflows.py", line)]
    assert f"breaks {OLD} of {OLD + 1}" in findings[0]["message"], findings[0]["message"]


def test_the_default_folder_is_in_the_users_cache(server: DevServer, tmp_path: Path) -> None:
    project = make_project(tmp_path, "max = 1\n")
    run = replaydbg(project, "history", "pull", "--json", address=server.address)
    assert run.returncode == 0, run.stderr
    folder = Path(json.loads(run.stdout)["folder"])
    assert folder.parent == project / "cache" / "replaydbg" / "recent"
    assert len(pulled_files(folder)) == 1


def test_a_folder_with_other_files_is_refused(server: DevServer, tmp_path: Path) -> None:
    project = make_project(tmp_path)
    (project / ".recent").mkdir()
    (project / ".recent" / "mine.json").write_text("{}")
    run = replaydbg(project, "history", "pull", address=server.address)
    assert run.returncode == 2
    assert "holds files that replaydbg did not pull" in run.stderr
    assert (project / ".recent" / "mine.json").is_file()


def test_bad_input_says_what_to_do(server: DevServer, tmp_path: Path) -> None:
    project = make_project(tmp_path)
    query = replaydbg(project, "history", "pull", "--query", "NoSuchField = 'x'",
                      address=server.address)
    assert query.returncode == 2 and "refused the visibility query" in query.stderr
    (project / "greeting" / "workflows.py").unlink()
    types = replaydbg(project, "history", "pull", address=server.address)
    assert types.returncode == 2 and "no workflow type to pull" in types.stderr
    (project / "pyproject.toml").write_text(
        "[tool.replaydbg.recent_histories]\nmax = 0\n")
    config = replaydbg(project, "history", "pull", address=server.address)
    assert config.returncode == 2
    assert "recent_histories max must be a whole number of 1 or more" in config.stderr
