"""The language server replays the project's saved histories on save (pytest-lsp, end to end).

The workspace is the greeting example with its history recorded from a dev server
(``examples/greeting/history.json``), starting from the code that recorded it; the tests make
the incompatible edits users make (swap, add, remove a step) and save.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from lsprotocol import types
from pytest_lsp import LanguageClient

from replaydbg.lsp.session import REPLAYED
from tests.lsp.conftest import lsp_session, open_document, replace_text

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
ORIGINAL = (EXAMPLES / "greeting" / "original_workflows.py").read_text()
#: The incompatible edit users make most: an activity swapped for another.
SWAPPED = ORIGINAL.replace("send_email", "send_sms").replace("profile.email", "profile.phone")
PYPROJECT = """\
[tool.replaydbg]
workflows = ["greeting.workflows"]
histories = ["histories"]
"""


class Replays:
    """The server's ``replaydbg/historiesReplayed`` notifications, as they come."""

    def __init__(self) -> None:
        self.runs: list[Any] = []
        self.lens_refreshes = 0
        self._arrived = asyncio.Event()

    def listen(self, client: LanguageClient) -> None:
        def received(params: Any) -> None:  # pygls gives a namedtuple for custom methods
            self.runs.append(params._asdict() if hasattr(params, "_asdict") else params)
            self._arrived.set()

        def refresh(params: Any) -> None:
            self.lens_refreshes += 1

        client.feature(REPLAYED)(received)
        client.feature(types.WORKSPACE_CODE_LENS_REFRESH)(refresh)

    async def next(self, timeout: float = 60.0) -> Any:
        """The next run's summary (after the ones already seen)."""
        seen = len(self.runs)
        while len(self.runs) == seen:
            self._arrived.clear()
            await asyncio.wait_for(self._arrived.wait(), timeout)
        return self.runs[-1]


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    shutil.copytree(EXAMPLES / "greeting", tmp_path / "greeting",
                    ignore=shutil.ignore_patterns("__pycache__", "*.json"))
    (tmp_path / "greeting" / "workflows.py").write_text(ORIGINAL)
    (tmp_path / "histories").mkdir()
    shutil.copy(EXAMPLES / "greeting" / "history.json", tmp_path / "histories" / "ada.json")
    (tmp_path / "pyproject.toml").write_text(PYPROJECT)
    return tmp_path


@pytest_asyncio.fixture
async def session(workspace: Path) -> AsyncIterator[tuple[LanguageClient, Replays]]:
    replays = Replays()
    async with lsp_session(workspace, before_initialize=replays.listen) as client:
        yield client, replays


async def save(client: LanguageClient, path: Path, text: str) -> None:
    """What an editor does on save: the file on disk, then ``didSave``."""
    path.write_text(text)
    client.text_document_did_save(types.DidSaveTextDocumentParams(
        text_document=types.TextDocumentIdentifier(uri=path.as_uri())))


def replay_diagnostics(client: LanguageClient, path: Path) -> list[types.Diagnostic]:
    return [d for d in client.diagnostics.get(path.as_uri(), [])
            if str(d.code).startswith("RDB9")]


def marked(text: str, marker: str) -> int:
    """The 0-based line of ``# @marker`` in ``text``."""
    for number, line in enumerate(text.splitlines()):
        if line.rstrip().endswith(f"# @{marker}"):
            return number
    raise AssertionError(f"no @{marker} in the text")


async def first_run(client: LanguageClient, replays: Replays, workflows: Path) -> None:
    """The run at start-up: the code that recorded the history replays it."""
    open_document(client, workflows)
    run = replays.runs[0] if replays.runs else await replays.next()
    assert run["histories"] == 1 and run["findings"] == 0 and not run["error"], run


@pytest.mark.asyncio
async def test_an_activity_swapped_is_a_diagnostic_on_the_line_that_schedules_it(
        session: tuple[LanguageClient, Replays], workspace: Path) -> None:
    client, replays = session
    workflows = workspace / "greeting" / "workflows.py"
    await first_run(client, replays, workflows)
    swapped = SWAPPED
    await save(client, workflows, swapped)
    run = await replays.next()
    assert run["findings"] == 1, run
    [diagnostic] = replay_diagnostics(client, workflows)
    assert diagnostic.code == "RDB901"
    assert diagnostic.range.start.line == marked(swapped, "send")
    assert diagnostic.message.startswith(
        "breaks 1 of 1 saved GreetingWorkflow history: event 22 is "
        "ActivityTaskScheduled(send_email), this line issues activity send_sms"), diagnostic
    [related] = diagnostic.related_information or []
    assert related.location.uri == (workspace / "histories" / "ada.json").as_uri()
    assert related.message == "ada.json: event 22"
    history_line = (workspace / "histories" / "ada.json").read_text().splitlines()
    assert '"eventId": "22"' in history_line[related.location.range.start.line + 1]


@pytest.mark.asyncio
async def test_an_activity_added_and_a_timer_removed_are_on_their_lines(
        session: tuple[LanguageClient, Replays], workspace: Path) -> None:
    client, replays = session
    workflows = workspace / "greeting" / "workflows.py"
    await first_run(client, replays, workflows)
    fetch = ORIGINAL.splitlines()[marked(ORIGINAL, "fetch")]
    added = ORIGINAL.replace(fetch, fetch.replace("# @fetch", "") + "\n" + fetch.replace(
        "profile = ", "again = ").replace("# @fetch", "# @added"))
    await save(client, workflows, added)
    await replays.next()
    [diagnostic] = replay_diagnostics(client, workflows)
    assert diagnostic.range.start.line == marked(added, "added"), diagnostic
    assert "event 11 is ActivityTaskScheduled(compose_greeting)" in diagnostic.message

    delay = ORIGINAL.splitlines()[marked(ORIGINAL, "delay")]
    removed = ORIGINAL.replace(delay + "\n", "")
    await save(client, workflows, removed)
    await replays.next()
    [diagnostic] = replay_diagnostics(client, workflows)
    # The history has the timer where this code schedules the next activity.
    assert diagnostic.range.start.line == marked(removed, "send"), diagnostic
    assert "TimerStarted" in diagnostic.message and "send_email" in diagnostic.message

    await save(client, workflows, ORIGINAL)  # undone: the histories replay again
    run = await replays.next()
    assert run["findings"] == 0 and replay_diagnostics(client, workflows) == []


@pytest.mark.asyncio
async def test_a_save_during_a_run_replaces_it_and_unchanged_code_is_not_replayed(
        session: tuple[LanguageClient, Replays], workspace: Path) -> None:
    client, replays = session
    workflows = workspace / "greeting" / "workflows.py"
    await first_run(client, replays, workflows)
    swapped = SWAPPED
    await save(client, workflows, ORIGINAL.replace("# @send", "# @send (typing)"))
    await save(client, workflows, swapped)  # the first run is stale before it answers
    run = await replays.next()
    assert run["findings"] == 1
    await asyncio.sleep(1.0)
    assert len(replays.runs) == 2, replays.runs  # the stale run never reported
    await save(client, workflows, swapped)  # saved again, same bytes: nothing to replay
    await asyncio.sleep(1.5)
    assert len(replays.runs) == 2, replays.runs
    assert [d.code for d in replay_diagnostics(client, workflows)] == ["RDB901"]


@pytest.mark.asyncio
async def test_code_that_cannot_be_imported_is_a_diagnostic_and_the_server_answers(
        session: tuple[LanguageClient, Replays], workspace: Path) -> None:
    client, replays = session
    workflows = workspace / "greeting" / "workflows.py"
    await first_run(client, replays, workflows)
    anchor = "from temporalio import workflow\n"
    broken = ORIGINAL.replace(anchor, anchor + "import greeting_helpers_not_installed\n")
    await save(client, workflows, broken)
    await replays.next()
    [diagnostic] = replay_diagnostics(client, workflows)
    assert diagnostic.code == "RDB903", diagnostic
    # On the import that fails, the error's own line.
    assert broken.splitlines()[diagnostic.range.start.line] == \
        "import greeting_helpers_not_installed", diagnostic
    assert "No module named 'greeting_helpers_not_installed'" in diagnostic.message
    hover = await client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=workflows.as_uri()),
        position=types.Position(line=0, character=2)))
    assert hover is None or hover.contents is not None  # answered: the server lives on
    await save(client, workflows, ORIGINAL)
    run = await replays.next()
    assert run["findings"] == 0 and replay_diagnostics(client, workflows) == []


@pytest.mark.asyncio
async def test_no_replay_process_is_left_behind(workspace: Path) -> None:
    replays = Replays()
    async with lsp_session(workspace, before_initialize=replays.listen) as client:
        await first_run(client, replays, workspace / "greeting" / "workflows.py")
        assert _standbys(workspace), "a standby waits for the next save"
    deadline = time.monotonic() + 10
    while _standbys(workspace) and time.monotonic() < deadline:
        await asyncio.sleep(0.1)
    assert not _standbys(workspace)


def _standbys(root: Path) -> list[str]:
    """Replay processes started in ``root`` (their working directory says so)."""
    found = []
    listing = subprocess.run(["ps", "-eo", "pid=,args="], capture_output=True, text=True)
    for line in listing.stdout.splitlines():
        pid, _, args = line.strip().partition(" ")
        if "replaydbg.histcheck.standby" in args:
            try:
                if Path(f"/proc/{pid}/cwd").resolve() == root.resolve():
                    found.append(pid)
            except OSError:
                continue
    return found



async def lenses(client: LanguageClient, path: Path) -> list[types.CodeLens]:
    return await client.text_document_code_lens_async(types.CodeLensParams(
        text_document=types.TextDocumentIdentifier(uri=path.as_uri()))) or []


@pytest.mark.asyncio
async def test_the_lens_above_workflow_run_counts_and_opens_the_breaking_history(
        session: tuple[LanguageClient, Replays], workspace: Path) -> None:
    client, replays = session
    workflows = workspace / "greeting" / "workflows.py"
    await first_run(client, replays, workflows)
    run_line = ORIGINAL.splitlines().index("    @workflow.run")
    [lens] = await lenses(client, workflows)
    assert lens.range.start.line == run_line and lens.command is not None
    assert (lens.command.title, lens.command.command) == (
        "1 saved history replays", "replaydbg.replayHistories")

    swapped = SWAPPED
    await save(client, workflows, swapped)
    await replays.next()
    [lens] = await lenses(client, workflows)
    assert lens.command is not None
    assert lens.command.title == "1 of 1 saved history breaks"
    assert lens.command.command == "temporalReplay.debugBreakingHistory"
    assert list(lens.command.arguments or []) == [{
        "historyFile": str(workspace / "histories" / "ada.json"), "eventId": 22,
        "workflow": f"{workflows}:GreetingWorkflow"}]

    # Clicked on the counting lens: the server replays again, even with no code changed.
    answer = await client.workspace_execute_command_async(types.ExecuteCommandParams(
        command="replaydbg.replayHistories"))
    assert answer is True
    run = await replays.next()
    assert run["findings"] == 1
    assert replays.lens_refreshes == 3  # the editor was asked after every run
    assert replays.lens_refreshes == 3  # the editor was asked after every run


def _git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(root), "-c", "user.name=t", "-c", "user.email=t@t",
                    *args], check=True, capture_output=True,
                   env={**os.environ, "GIT_CEILING_DIRECTORIES": str(root.parent)})


def applied(text: str, action: types.CodeAction) -> str:
    """``text`` with the action's edits (one document, UTF-16 columns, all ASCII here)."""
    assert action.edit is not None and action.edit.document_changes
    [change] = action.edit.document_changes
    assert isinstance(change, types.TextDocumentEdit)
    lines = text.splitlines(keepends=True)
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))

    def at(position: types.Position) -> int:
        return offsets[position.line] + position.character

    for edit in sorted(change.edits, key=lambda e: at(e.range.start), reverse=True):
        text = text[:at(edit.range.start)] + edit.new_text + text[at(edit.range.end):]
    return text


async def code_actions(client: LanguageClient, path: Path,
                       diagnostics: list[types.Diagnostic]) -> list[types.CodeAction]:
    answer = await client.text_document_code_action_async(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=path.as_uri()),
        range=diagnostics[0].range, context=types.CodeActionContext(diagnostics=diagnostics)))
    return [a for a in answer or [] if isinstance(a, types.CodeAction)]


async def guard_action(client: LanguageClient, replays: Replays,
                       workflows: Path) -> tuple[str, types.CodeAction]:
    """An activity swapped in the editor and saved: the text, and the guard action offered."""
    await first_run(client, replays, workflows)
    replace_text(client, workflows.as_uri(), SWAPPED, 2)
    await save(client, workflows, SWAPPED)
    await replays.next()
    diagnostics = replay_diagnostics(client, workflows)
    [action] = [a for a in await code_actions(client, workflows, diagnostics)
                if a.title.startswith("Guard this change")]
    return SWAPPED, action


@pytest.mark.asyncio
async def test_the_patched_quick_fix_makes_the_histories_replay_again(
        session: tuple[LanguageClient, Replays], workspace: Path) -> None:
    client, replays = session
    _git(workspace, "init", "-q")
    _git(workspace, "add", ".")
    _git(workspace, "commit", "-q", "-m", "recorded")
    workflows = workspace / "greeting" / "workflows.py"
    swapped, action = await guard_action(client, replays, workflows)
    assert action.title == 'Guard this change with workflow.patched("run-send-sms")'
    assert action.disabled is None and action.is_preferred
    fixed = applied(swapped, action)
    assert 'if workflow.patched("run-send-sms"):' in fixed
    replace_text(client, workflows.as_uri(), fixed, 3)
    await save(client, workflows, fixed)
    run = await replays.next()
    assert run["findings"] == 0 and replay_diagnostics(client, workflows) == [], run


@pytest.mark.asyncio
async def test_without_git_the_fix_says_why_it_cannot_be_offered(
        session: tuple[LanguageClient, Replays], workspace: Path) -> None:
    client, replays = session
    workflows = workspace / "greeting" / "workflows.py"
    swapped, action = await guard_action(client, replays, workflows)
    assert action.edit is None and action.disabled is not None
    assert action.disabled.reason == ("Cannot guard this change: the committed version is not "
                                      "available: not in a git repository")
