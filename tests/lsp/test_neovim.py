"""The server under a second real client: headless Neovim (Debian's 0.7), when installed."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.lsp.conftest import SERVER, write_tree
from tests.lsp.workspace import FILES, WORKFLOWS

pytestmark = pytest.mark.skipif(shutil.which("nvim") is None, reason="nvim is not installed")

CLIENT = Path(__file__).with_name("nvim_client.lua")


def test_neovim_shows_the_diagnostics_and_applies_the_quick_fix(tmp_path: Path) -> None:
    write_tree(tmp_path, FILES)
    out = tmp_path / "nvim.json"
    env = {**os.environ, "RDB_ROOT": str(tmp_path), "RDB_FILE": str(tmp_path / WORKFLOWS),
           "RDB_OUT": str(out), "RDB_CMD": json.dumps(SERVER),
           "XDG_CONFIG_HOME": str(tmp_path / "xdg"), "XDG_STATE_HOME": str(tmp_path / "xdg"),
           "XDG_DATA_HOME": str(tmp_path / "xdg")}
    subprocess.run(["nvim", "--headless", "--clean", "-u", str(CLIENT)], env=env,
                   cwd=tmp_path, timeout=90, check=False, capture_output=True)
    seen = json.loads(out.read_text())
    assert seen["seen"], seen
    first = min(seen["diagnostics"], key=lambda d: d["lnum"])
    assert first["source"] == "replaydbg"
    assert first["code"] == "RDB101"
    assert "workflow.now()" in seen["titles"][0]
    assert "started = workflow.now()" in seen["text"]
    assert "datetime.now()" not in seen["text"]
