"""Quick fixes: code actions built from the fixes our diagnostics carry in ``data``.

The answer depends only on the request: the client sends back the diagnostics under the
cursor, each with the fixes computed when it was published (see :mod:`.diagnostics`), so a
code-action request never waits for an analysis and always matches what the user sees.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from lsprotocol import types

from replaydbg.lsp.diagnostics import SOURCE

_KIND = types.CodeActionKind.QuickFix


def quick_fixes(params: types.CodeActionParams) -> list[types.CodeAction]:
    """One action per fix of each of our diagnostics that touches the requested range."""
    if not _kind_requested(params.context.only):
        return []
    return [action for diagnostic in params.context.diagnostics
            if diagnostic.source == SOURCE and _overlaps(diagnostic.range, params.range)
            for action in _actions(diagnostic)]


def _kind_requested(only: Sequence[str] | None) -> bool:
    """Whether ``only`` (hierarchical kinds, ``""`` meaning all) admits quick fixes."""
    return only is None or any(kind in ("", _KIND) or _KIND.startswith(f"{kind}.")
                               for kind in only)


def _overlaps(a: types.Range, b: types.Range) -> bool:
    return _key(a.start) <= _key(b.end) and _key(b.start) <= _key(a.end)


def _key(position: types.Position) -> tuple[int, int]:
    return position.line, position.character


def _actions(diagnostic: types.Diagnostic) -> Iterator[types.CodeAction]:
    data = diagnostic.data if isinstance(diagnostic.data, Mapping) else {}
    fixes = data.get("fixes")
    for number, fix in enumerate(fixes if isinstance(fixes, list) else []):
        edit = _workspace_edit(fix)
        if edit is not None:
            yield types.CodeAction(title=str(fix["title"]), kind=_KIND,
                                   diagnostics=[diagnostic], edit=edit,
                                   is_preferred=number == 0)


def _workspace_edit(fix: Any) -> types.WorkspaceEdit | None:
    """The fix's edits, or ``None`` when a client handed the data back mangled."""
    try:
        changes = {str(uri): [_text_edit(edit) for edit in edits]
                   for uri, edits in fix["changes"].items()}
        str(fix["title"])
    except (KeyError, TypeError, AttributeError, ValueError):
        return None
    return types.WorkspaceEdit(changes=changes)


def _text_edit(edit: Mapping[str, Any]) -> types.TextEdit:
    start, end = edit["range"]["start"], edit["range"]["end"]
    return types.TextEdit(
        range=types.Range(start=types.Position(line=int(start["line"]),
                                               character=int(start["character"])),
                          end=types.Position(line=int(end["line"]),
                                             character=int(end["character"]))),
        new_text=str(edit["newText"]),
    )
