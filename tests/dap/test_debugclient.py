"""The adapter through a real DAP client: the mocha suite in e2e/, on this interpreter.

When the `temporal` CLI is installed, a dev server with one run of the greeting workflow is
started for the suite's launch-by-workflow-id test (without it, that one test is pending).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from replaydbg.testing import find_temporal_cli
from tests.support.greeting_server import start_with_greeting

E2E = Path(__file__).resolve().parent / "e2e"
WORKFLOW_ID = "greeting-dap-e2e"
SERVER_TEST = "launches from a workflow id on a Temporal server, with progress"


def _run_mocha(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["npx", "mocha", "--timeout", "60000", "--exit", "dap.test.js"],
                          cwd=E2E, env=env, capture_output=True, text=True, timeout=900)


# The suite runs ~45 sessions; on a loaded 2-core machine that is longer than the default.
@pytest.mark.timeout(1200)
@pytest.mark.skipif(shutil.which("npx") is None, reason="Node.js (npx) is not installed")
@pytest.mark.skipif(not (E2E / "node_modules" / "@vscode").exists(),
                    reason="run `npm ci` in tests/dap/e2e first (.ci/run does)")
def test_debugclient_suite() -> None:
    env = {**os.environ, "REPLAYDBG_PYTHON": sys.executable}
    for name in ("REPLAYDBG_TEMPORAL_ADDRESS", "REPLAYDBG_WORKFLOW_ID"):
        env.pop(name, None)
    server = start_with_greeting(WORKFLOW_ID) if find_temporal_cli() is not None else None
    try:
        if server is not None:
            env.update(REPLAYDBG_TEMPORAL_ADDRESS=server.address, REPLAYDBG_WORKFLOW_ID=WORKFLOW_ID)
        done = _run_mocha(env)
    finally:
        if server is not None:
            server.stop()
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-3000:]
    assert " passing" in done.stdout and " failing" not in done.stdout
    if server is not None:  # given a server, the test that needs one ran and passed
        assert re.search(r"[✔✓] " + re.escape(SERVER_TEST), done.stdout), done.stdout[-6000:]
