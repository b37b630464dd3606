"""The adapter through a real DAP client: the mocha suite in e2e/, on this interpreter."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

E2E = Path(__file__).resolve().parent / "e2e"


@pytest.mark.skipif(shutil.which("npx") is None, reason="Node.js (npx) is not installed")
@pytest.mark.skipif(not (E2E / "node_modules" / "@vscode").exists(),
                    reason="run `npm ci` in tests/dap/e2e first (.ci/run does)")
def test_debugclient_suite() -> None:
    env = {**os.environ, "REPLAYDBG_PYTHON": sys.executable}
    done = subprocess.run(["npx", "mocha", "--timeout", "60000", "--exit", "dap.test.js"],
                          cwd=E2E, env=env, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-3000:]
    assert " passing" in done.stdout and " failing" not in done.stdout
