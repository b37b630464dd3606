"""The fix on the greeting example: after it, the recorded history replays again."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from replaydbg.patchfix import Guard, guard_change

from .editing import apply, line_of

GREETING = Path(__file__).resolve().parents[2] / "examples" / "greeting"


def _replay(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "replaydbg", "replay", "greeting/history.json",
         "-W", "greeting.workflows"],
        cwd=root, capture_output=True, text=True, timeout=120, check=False)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    shutil.copytree(GREETING, tmp_path / "greeting",
                    ignore=shutil.ignore_patterns("__pycache__"))
    return tmp_path


def test_the_guarded_greeting_replays_its_recorded_history(project: Path) -> None:
    old = (GREETING / "original_workflows.py").read_text(encoding="utf-8")
    new = (GREETING / "workflows.py").read_text(encoding="utf-8")

    before = _replay(project)
    assert before.returncode != 0
    assert "NONDETERMINISM  greeting/history.json" in before.stdout

    result = guard_change(old, new, line_of(new, "# @divergence"))
    assert isinstance(result, Guard), result
    assert result.patch_id == "run-send-sms"
    assert result.unresolved == ()
    fixed = apply(new, result.edits)
    # The old branch calls send_email again, which the current file no longer imported.
    assert "    from greeting.activities import send_email\n" in fixed
    (project / "greeting" / "workflows.py").write_text(fixed, encoding="utf-8")

    after = _replay(project)
    assert after.returncode == 0, after.stdout + after.stderr
    assert "OK  greeting/history.json: replayed 34 events deterministically" in after.stdout
