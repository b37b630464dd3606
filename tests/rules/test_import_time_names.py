"""RDB215 flags import-time reads whose value reaches workflow code, not whole modules."""

from __future__ import annotations

from pathlib import Path

from replaydbg.rules import Config, Workspace

from .conftest import Write, codes, workflow_module

SETTINGS = """\
import os
import time

TASK_QUEUE = "orders"
API_KEY = os.environ.get("API_KEY")
STARTED = time.time()
"""


def _settings_codes(write: Write, tmp_path: Path, imports: str) -> list[str]:
    write("settings.py", SETTINGS)
    write("flows.py", workflow_module("pass", imports=imports))
    return codes(Workspace(tmp_path, Config()).analyze(), "settings.py")


def test_an_unrelated_constant_does_not_make_the_module_s_reads_count(
        write: Write, tmp_path: Path) -> None:
    assert _settings_codes(write, tmp_path, "from settings import TASK_QUEUE") == []


def test_the_names_a_workflow_imports_are_flagged(write: Write, tmp_path: Path) -> None:
    assert _settings_codes(write, tmp_path, "from settings import STARTED") == ["RDB215"]
    assert _settings_codes(write, tmp_path, "from settings import API_KEY, TASK_QUEUE") \
        == ["RDB215"]


def test_a_whole_module_import_takes_every_name(write: Write, tmp_path: Path) -> None:
    assert _settings_codes(write, tmp_path, "import settings") == ["RDB215", "RDB215"]
    assert _settings_codes(write, tmp_path, "from settings import *") == ["RDB215", "RDB215"]
