"""``replaydbg lsp`` end to end: the real server process under pytest-lsp's client."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest
from lsprotocol import types
from pygls.uris import to_fs_path

from tests.lsp.conftest import (
    apply_edits,
    codes,
    diagnostics,
    lsp_session,
    open_document,
    replace_text,
    write_tree,
)
from tests.lsp.workspace import FILES, NOW_LINE, PRICING, TIME_LINE, WORKFLOWS

pytestmark = pytest.mark.asyncio


Check = Callable[[Sequence[types.Diagnostic]], bool]


def _at(found: Sequence[types.Diagnostic], line: int, code: str = "RDB101") -> types.Diagnostic:
    matches = [d for d in found if d.range.start.line == line and d.code == code]
    assert len(matches) == 1, found
    return matches[0]


def _has(line: int, code: str = "RDB101") -> Check:
    return lambda found: any(d.range.start.line == line and d.code == code for d in found)


def _lacks(line: int, code: str = "RDB101") -> Check:
    return lambda found: not _has(line, code)(found)


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    write_tree(tmp_path, FILES)
    return tmp_path.resolve()


async def test_diagnostics_on_open_with_code_link_and_range(workspace: Path) -> None:
    async with lsp_session(workspace) as client:
        uri = open_document(client, workspace / WORKFLOWS)
        found = await diagnostics(client, uri, until=_has(NOW_LINE))
    now = _at(found, NOW_LINE)
    line = (workspace / WORKFLOWS).read_text().splitlines()[NOW_LINE]
    assert line[now.range.start.character:now.range.end.character].startswith("datetime.now")
    assert now.source == "replaydbg"
    assert now.severity == types.DiagnosticSeverity.Error
    assert now.code_description is not None and "rdb101" in now.code_description.href.lower()
    assert now.data["fixes"], now


async def test_a_helper_finding_names_its_chain(workspace: Path) -> None:
    async with lsp_session(workspace) as client:
        open_document(client, workspace / WORKFLOWS)
        uri = open_document(client, workspace / PRICING)
        found = await diagnostics(client, uri, until=_has(TIME_LINE))
    clock = _at(found, TIME_LINE)
    assert "reached from OrderWorkflow.run" in clock.message
    assert "pricing.total" in clock.message
    related = clock.related_information or []
    assert related, clock
    call_site = related[0].location
    assert call_site.uri == (workspace / WORKFLOWS).as_uri()
    assert call_site.range.start.line == NOW_LINE + 1
    assert any(info.location.uri == uri for info in related)


async def test_diagnostics_follow_changes(workspace: Path) -> None:
    text = (workspace / WORKFLOWS).read_text()
    async with lsp_session(workspace) as client:
        uri = open_document(client, workspace / WORKFLOWS)
        await diagnostics(client, uri, until=_has(NOW_LINE))
        replace_text(client, uri, text.replace("datetime.now()", "workflow.now()"), 2)
        await diagnostics(client, uri, until=_lacks(NOW_LINE))
        replace_text(client, uri, text, 3)
        await diagnostics(client, uri, until=_has(NOW_LINE))


async def test_quick_fix_replaces_the_wall_clock(workspace: Path) -> None:
    text = (workspace / WORKFLOWS).read_text()
    async with lsp_session(workspace) as client:
        uri = open_document(client, workspace / WORKFLOWS)
        now = _at(await diagnostics(client, uri, until=_has(NOW_LINE)), NOW_LINE)
        actions = await client.text_document_code_action_async(types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri), range=now.range,
            context=types.CodeActionContext(diagnostics=[now])))
    assert actions, "no quick fix offered"
    fix = actions[0]
    assert isinstance(fix, types.CodeAction)
    assert fix.kind == types.CodeActionKind.QuickFix
    assert fix.edit is not None and fix.edit.changes is not None
    fixed = apply_edits(text, fix.edit.changes[uri])
    assert "started = workflow.now()" in fixed
    assert "datetime.now()" not in fixed


async def test_suppression_comment_silences_the_line(workspace: Path) -> None:
    path = workspace / WORKFLOWS
    path.write_text(path.read_text().replace(
        "datetime.now()", "datetime.now()  # replaydbg: ignore[RDB101]"))
    async with lsp_session(workspace) as client:
        uri = open_document(client, path)
        found = await diagnostics(client, uri)
    assert _lacks(NOW_LINE)(found)


async def test_pyproject_ignore_is_honoured(workspace: Path) -> None:
    (workspace / "pyproject.toml").write_text('[tool.replaydbg]\nignore = ["RDB101"]\n')
    async with lsp_session(workspace) as client:
        uri = open_document(client, workspace / WORKFLOWS)
        found = await diagnostics(client, uri)
    assert "RDB101" not in codes(found)


async def test_editor_settings_override_pyproject(workspace: Path) -> None:
    (workspace / "pyproject.toml").write_text('[tool.replaydbg]\nignore = ["RDB101"]\n')
    async with lsp_session(workspace, options={"ignore": []}) as client:
        uri = open_document(client, workspace / WORKFLOWS)
        await diagnostics(client, uri, until=_has(NOW_LINE))
    async with lsp_session(workspace, configuration={"select": ["RDB2"]}) as client:
        uri = open_document(client, workspace / WORKFLOWS)
        found = await diagnostics(client, uri)
    assert "RDB101" not in codes(found)


async def test_a_bad_setting_is_shown_and_replaced_by_its_default(workspace: Path) -> None:
    options = {"debounceMs": "soon", "ignore": 5, "colour": "red"}
    async with lsp_session(workspace, options=options) as client:
        uri = open_document(client, workspace / WORKFLOWS)
        await diagnostics(client, uri, until=_has(NOW_LINE))
        messages = [m.message for m in client.messages]
    assert len(messages) == 1, messages
    shown = messages[0]
    assert client.messages[0].type == types.MessageType.Warning
    assert "'debounceMs'" in shown and "'ignore'" in shown and "'colour'" in shown
    assert "default" in shown


async def test_a_half_typed_file_keeps_the_diagnostics_of_what_parses(workspace: Path) -> None:
    text = (workspace / WORKFLOWS).read_text()
    async with lsp_session(workspace) as client:
        uri = open_document(client, workspace / WORKFLOWS)
        await diagnostics(client, uri, until=_has(NOW_LINE))
        broken = text + "\n\ndef helper(order:\n    return order.\n"
        replace_text(client, uri, broken, 2)
        found = await diagnostics(client, uri, until=lambda d: "RDB001" in codes(d))
        assert _has(NOW_LINE)(found)
        replace_text(client, uri, text + "\n\nclass Half(", 3)
        found = await diagnostics(client, uri, until=lambda d: "RDB001" in codes(d)
                                  and d is not found)
        assert _has(NOW_LINE)(found)
        replace_text(client, uri, text, 4)
        found = await diagnostics(client, uri, until=lambda d: "RDB001" not in codes(d))
        assert _has(NOW_LINE)(found)


async def test_editing_the_workflow_refreshes_its_helpers(workspace: Path) -> None:
    # The helper is not open: its finding exists only because the workflow calls it.
    text = (workspace / WORKFLOWS).read_text()
    pricing_uri = (workspace / PRICING).as_uri()
    async with lsp_session(workspace) as client:
        uri = open_document(client, workspace / WORKFLOWS)
        await diagnostics(client, pricing_uri, until=_has(TIME_LINE))
        replace_text(client, uri, text.replace(" {pricing.total(order)}", ""), 2)
        await diagnostics(client, pricing_uri, until=_lacks(TIME_LINE))
        replace_text(client, uri, text, 3)
        await diagnostics(client, pricing_uri, until=_has(TIME_LINE))


async def test_changing_a_helper_refreshes_the_workflow(workspace: Path) -> None:
    pricing = workspace / PRICING
    async with lsp_session(workspace) as client:
        workflows_uri = open_document(client, workspace / WORKFLOWS)
        pricing_uri = open_document(client, pricing)
        await diagnostics(client, pricing_uri, until=_has(TIME_LINE))
        await diagnostics(client, workflows_uri, until=_has(NOW_LINE))
        await asyncio.sleep(0.5)  # let the publications of the two opens arrive first
        client.diagnostics.pop(workflows_uri)
        replace_text(client, pricing_uri, pricing.read_text().replace("time.time()", "1.0"), 2)
        await diagnostics(client, pricing_uri, until=_lacks(TIME_LINE))
        # Republished (the workflow's own finding stays), without touching the workflow.
        assert _has(NOW_LINE)(await diagnostics(client, workflows_uri, timeout=5))


async def test_a_save_does_not_wait_for_the_debounce(workspace: Path) -> None:
    text = (workspace / WORKFLOWS).read_text()
    async with lsp_session(workspace, options={"debounceMs": 5000}) as client:
        uri = open_document(client, workspace / WORKFLOWS)
        await diagnostics(client, uri, until=_has(NOW_LINE))
        replace_text(client, uri, text.replace("datetime.now()", "workflow.now()"), 2)
        with pytest.raises(asyncio.TimeoutError):  # still typing: nothing yet
            await diagnostics(client, uri, until=_lacks(NOW_LINE), timeout=1)
        client.text_document_did_save(types.DidSaveTextDocumentParams(
            text_document=types.TextDocumentIdentifier(uri=uri)))
        await diagnostics(client, uri, until=_lacks(NOW_LINE), timeout=3)


async def test_progress_while_indexing_and_push_only(workspace: Path) -> None:
    async with lsp_session(workspace) as client:
        uri = open_document(client, workspace / WORKFLOWS)
        found = await diagnostics(client, uri, until=_has(NOW_LINE))
        reports = [r for rs in client.progress_reports.values() for r in rs]
        result = client.initialize_result
    kinds = [type(r).__name__ for r in reports]
    assert kinds[0] == "WorkDoneProgressBegin" and kinds[-1] == "WorkDoneProgressEnd"
    assert isinstance(reports[0], types.WorkDoneProgressBegin)
    assert "indexing" in reports[0].title
    assert result.capabilities.diagnostic_provider is None
    keys = [(d.code, d.range.start.line, d.range.start.character) for d in found]
    assert len(keys) == len(set(keys))


async def test_clean_exit_after_shutdown(workspace: Path) -> None:
    async with lsp_session(workspace) as client:
        open_document(client, workspace / WORKFLOWS)
        await asyncio.sleep(0.1)
        server = client._server
    assert server is not None and server.returncode == 0


async def test_pyproject_edited_outside_the_editor_is_reloaded(workspace: Path) -> None:
    async with lsp_session(workspace) as client:
        uri = open_document(client, workspace / WORKFLOWS)
        await diagnostics(client, uri, until=_has(NOW_LINE))
        (registration,) = client.registrations
        assert registration.method == types.WORKSPACE_DID_CHANGE_WATCHED_FILES
        globs = [w["globPattern"] for w in registration.register_options["watchers"]]
        assert "**/pyproject.toml" in globs and "**/*.py" in globs
        pyproject = workspace / "pyproject.toml"
        pyproject.write_text('[tool.replaydbg]\nignore = ["RDB101"]\n')
        client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(changes=[
            types.FileEvent(uri=pyproject.as_uri(), type=types.FileChangeType.Created)]))
        await diagnostics(client, uri, until=_lacks(NOW_LINE))


async def test_a_helper_changed_on_disk_is_reread(workspace: Path) -> None:
    pricing = workspace / PRICING
    async with lsp_session(workspace) as client:
        open_document(client, workspace / WORKFLOWS)
        await diagnostics(client, pricing.as_uri(), until=_has(TIME_LINE))
        pricing.write_text(pricing.read_text().replace("time.time()", "1.0"))
        client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(changes=[
            types.FileEvent(uri=pricing.as_uri(), type=types.FileChangeType.Changed)]))
        await diagnostics(client, pricing.as_uri(), until=_lacks(TIME_LINE))


async def test_settings_changed_in_the_editor_apply_at_once(workspace: Path) -> None:
    async with lsp_session(workspace, configuration={}) as client:
        uri = open_document(client, workspace / WORKFLOWS)
        await diagnostics(client, uri, until=_has(NOW_LINE))
        client.set_configuration({"ignore": ["RDB101"]}, section="replaydbg")
        client.workspace_did_change_configuration(
            types.DidChangeConfigurationParams(settings=None))
        await diagnostics(client, uri, until=_lacks(NOW_LINE))


async def test_enable_false_publishes_nothing_and_offers_no_fix(workspace: Path) -> None:
    async with lsp_session(workspace, options={"enable": False}) as client:
        uri = open_document(client, workspace / WORKFLOWS)
        assert not await diagnostics(client, uri)
        whole = types.Range(start=types.Position(line=0, character=0),
                            end=types.Position(line=20, character=0))
        actions = await client.text_document_code_action_async(types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri), range=whole,
            context=types.CodeActionContext(diagnostics=[])))
    assert not actions


async def test_no_quick_fix_for_text_typed_since_the_analysis(workspace: Path) -> None:
    text = (workspace / WORKFLOWS).read_text()
    async with lsp_session(workspace, options={"debounceMs": 5000}) as client:
        uri = open_document(client, workspace / WORKFLOWS)
        now = _at(await diagnostics(client, uri, until=_has(NOW_LINE)), NOW_LINE)
        request = types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri), range=now.range,
            context=types.CodeActionContext(diagnostics=[now]))
        assert await client.text_document_code_action_async(request)
        replace_text(client, uri, "# a new first line\n" + text, 2)
        assert not await client.text_document_code_action_async(request)
        client.text_document_did_save(types.DidSaveTextDocumentParams(
            text_document=types.TextDocumentIdentifier(uri=uri)))
        moved = await diagnostics(client, uri, until=_has(NOW_LINE + 1))
        request.context.diagnostics = [_at(moved, NOW_LINE + 1)]
        request.range = request.context.diagnostics[0].range
        assert await client.text_document_code_action_async(request)


async def test_hover_says_what_to_do_instead_and_links_the_installed_docs(
        workspace: Path) -> None:
    async with lsp_session(workspace) as client:
        uri = open_document(client, workspace / WORKFLOWS)
        now = _at(await diagnostics(client, uri, until=_has(NOW_LINE)), NOW_LINE)
        hover = await client.text_document_hover_async(types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=uri), position=now.range.start))
        elsewhere = await client.text_document_hover_async(types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=types.Position(line=0, character=0)))
    assert elsewhere is None
    assert hover is not None and isinstance(hover.contents, types.MarkupContent)
    text = hover.contents.value
    assert "**RDB101 wall-clock**" in text and "datetime.now" in text
    assert "**Instead:** use workflow.now()" in text
    assert now.code_description is not None
    href = now.code_description.href
    assert f"]({href})" in text
    page, _, anchor = href.partition("#")
    assert page.startswith("file:///") and anchor == "rdb101"
    installed = Path(to_fs_path(page) or "")
    assert installed.name == "rules.md" and installed.parent.parent.name == "replaydbg"
    assert '<a id="rdb101"></a>' in installed.read_text()


async def test_ignore_on_this_line_writes_the_suppression_and_silences_it(
        workspace: Path) -> None:
    text = (workspace / WORKFLOWS).read_text()
    async with lsp_session(workspace) as client:
        uri = open_document(client, workspace / WORKFLOWS)
        now = _at(await diagnostics(client, uri, until=_has(NOW_LINE)), NOW_LINE)
        actions = await client.text_document_code_action_async(types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri), range=now.range,
            context=types.CodeActionContext(diagnostics=[now])))
        ignore = [a for a in actions or [] if a.title == "Ignore RDB101 on this line"]
        assert len(ignore) == 1, actions
        action = ignore[0]
        assert isinstance(action, types.CodeAction)
        assert action.edit is not None and action.edit.changes is not None
        fixed = apply_edits(text, action.edit.changes[uri])
        assert fixed.splitlines()[NOW_LINE].endswith(
            "datetime.now()  # replaydbg: ignore[RDB101]")
        replace_text(client, uri, fixed, 2)
        await diagnostics(client, uri, until=_lacks(NOW_LINE))


async def test_ignore_merges_with_the_suppression_already_on_the_line(workspace: Path) -> None:
    path = workspace / WORKFLOWS
    path.write_text(path.read_text().replace(
        "datetime.now()", "datetime.now()  # replaydbg: ignore[RDB102]"))
    async with lsp_session(workspace) as client:
        uri = open_document(client, path)
        now = _at(await diagnostics(client, uri, until=_has(NOW_LINE)), NOW_LINE)
        actions = await client.text_document_code_action_async(types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri), range=now.range,
            context=types.CodeActionContext(diagnostics=[now])))
    [action] = [a for a in actions or [] if a.title == "Ignore RDB101 on this line"]
    assert isinstance(action, types.CodeAction)
    assert action.edit is not None and action.edit.changes is not None
    merged = apply_edits(path.read_text(), action.edit.changes[uri]).splitlines()[NOW_LINE]
    assert merged.endswith("datetime.now()  # replaydbg: ignore[RDB102, RDB101]")
    assert merged.count("replaydbg") == 1


@pytest.mark.parametrize("blank", ["\x0c", "\x0b", "\x1c", "\u2028"])
async def test_a_line_of_other_whitespace_keeps_the_diagnostics_in_place(
        workspace: Path, blank: str) -> None:
    # Once, every analysis of such a file failed and the editor kept stale diagnostics.
    text = (workspace / WORKFLOWS).read_text()
    first_line, rest = text.split("\n", 1)
    async with lsp_session(workspace) as client:
        uri = open_document(client, workspace / WORKFLOWS)
        await diagnostics(client, uri, until=_has(NOW_LINE))
        replace_text(client, uri, f"{first_line}\n{blank}\n{rest}", 2)
        found = await diagnostics(client, uri, until=_has(NOW_LINE + 1))
    assert "RDB002" not in codes(found)


async def test_incremental_edits_after_a_form_feed_land_where_the_editor_made_them(
        workspace: Path) -> None:
    # pygls alone counts a form feed as a line break: the edit would land one line off.
    path = workspace / WORKFLOWS
    first_line, rest = path.read_text().split("\n", 1)
    path.write_text(f"{first_line}\n\x0c\n{rest}")
    line = NOW_LINE + 1
    column = path.read_text().split("\n")[line].index("datetime.now()")
    async with lsp_session(workspace) as client:
        uri = open_document(client, path)
        await diagnostics(client, uri, until=_has(line))
        client.text_document_did_change(types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
            content_changes=[types.TextDocumentContentChangePartial(
                range=types.Range(start=types.Position(line=line, character=column),
                                  end=types.Position(line=line, character=column + 8)),
                text="workflow")]))
        found = await diagnostics(client, uri, until=_lacks(line))
    assert "RDB001" not in codes(found)
