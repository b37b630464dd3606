"""The quick fix "Guard this change with workflow.patched()" on a line that breaks histories.

An RDB901 diagnostic says the code now issues a different command than the saved histories
recorded. The fix compares the editor's text with the file's committed version (git, at
``HEAD`` or the ``patchBase`` setting) and wraps the changed statements of the workflow method
in ``if workflow.patched(id): new else: old`` (see :mod:`replaydbg.patchfix`). It is computed
when the client asks, not when the diagnostic is published: the buffer may have changed since
and git is read once per request. When no guard can be made, clients that show disabled
actions get one that says why; others get nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from lsprotocol import types
from pygls.workspace import TextDocument

from replaydbg.histcheck.findings import DIVERGENCE
from replaydbg.lsp.diagnostics import SOURCE
from replaydbg.patchfix import Guard, committed_text, guard_change

TITLE = "Guard this change with workflow.patched()"


def patch_actions(document: TextDocument, path: Path, diagnostics: Sequence[types.Diagnostic],
                  base: str, disabled_support: bool) -> list[types.CodeAction]:
    """One action per line that breaks histories among ``diagnostics`` (ours, RDB901)."""
    lines = sorted({d.range.start.line for d in diagnostics
                    if d.source == SOURCE and d.code == DIVERGENCE})
    if not lines:
        return []
    committed = committed_text(path, base)
    actions = []
    for line in lines:
        related = [d for d in diagnostics if d.code == DIVERGENCE and d.range.start.line == line]
        if committed.text is None:
            reason = f"the committed version is not available: {committed.reason}"
            guard: Guard | None = None
        else:
            found = guard_change(committed.text, document.source, line + 1)
            guard, reason = (found, "") if isinstance(found, Guard) else (None, found.reason)
        if guard is not None:
            actions.append(_action(document, guard, related))
        elif disabled_support:
            actions.append(types.CodeAction(
                title=TITLE, kind=types.CodeActionKind.QuickFix, diagnostics=related,
                disabled=types.CodeActionDisabled(reason=f"Cannot guard this change: "
                                                             f"{reason}")))
    return actions


def _action(document: TextDocument, guard: Guard,
            diagnostics: list[types.Diagnostic]) -> types.CodeAction:
    codec, lines = document.position_codec, document.lines
    edits: list[types.TextEdit | types.AnnotatedTextEdit | types.SnippetTextEdit] = [
        types.TextEdit(codec.range_to_client_units(lines, types.Range(
            types.Position(edit.start_line, edit.start_col),
            types.Position(edit.end_line, edit.end_col))), edit.new_text)
        for edit in guard.edits]
    title = f'Guard this change with workflow.patched("{guard.patch_id}")'
    if guard.unresolved:
        title += f" (the old code also needs {', '.join(guard.unresolved)})"
    change = types.TextDocumentEdit(
        types.OptionalVersionedTextDocumentIdentifier(document.uri, document.version), edits)
    return types.CodeAction(title=title, kind=types.CodeActionKind.QuickFix,
                            diagnostics=diagnostics, is_preferred=True,
                            edit=types.WorkspaceEdit(document_changes=[change]))
