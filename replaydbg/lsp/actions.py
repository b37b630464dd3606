"""Quick fixes: code actions built from the fixes our diagnostics carry in ``data``.

The answer depends on the request and on the documents' current versions only: the client
sends back the diagnostics under the cursor, each with the fixes computed when it was
published (see :mod:`.diagnostics`), so a code-action request never waits for an analysis.
A fix computed for an older version of a document is not offered: its ranges would edit
the wrong text, and a fresh analysis is on its way.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

from lsprotocol import types

from replaydbg.lsp.diagnostics import SOURCE
from replaydbg.lsp.suppress import Units, ignore_action

_KIND = types.CodeActionKind.QuickFix


#: The version of an open document by URI, ``None`` for documents that are not open.
VersionOf = Callable[[str], "int | None"]


def quick_fixes(params: types.CodeActionParams,
                version_of: VersionOf = lambda uri: None) -> list[types.CodeAction]:
    """One action per current fix of each of our diagnostics touching the requested range."""
    if not _kind_requested(params.context.only):
        return []
    return [action for diagnostic in params.context.diagnostics
            if diagnostic.source == SOURCE and _overlaps(diagnostic.range, params.range)
            for action in _actions(diagnostic, version_of)]


def ignore_actions(params: types.CodeActionParams, line_of: Callable[[int], str],
                   units: Units) -> list[types.CodeAction]:
    """"Ignore RDBxxx on this line" for each code of our diagnostics touching the range."""
    if not _kind_requested(params.context.only):
        return []
    offered: dict[tuple[int, object], types.CodeAction] = {}
    for diagnostic in params.context.diagnostics:
        key = (diagnostic.range.start.line, diagnostic.code)
        if diagnostic.source != SOURCE or key in offered \
                or not _overlaps(diagnostic.range, params.range):
            continue
        action = ignore_action(diagnostic, params.text_document.uri,
                               line_of(diagnostic.range.start.line), units)
        if action is not None:
            offered[key] = action
    return list(offered.values())


def _kind_requested(only: Sequence[str] | None) -> bool:
    """Whether ``only`` (hierarchical kinds, ``""`` meaning all) admits quick fixes."""
    return only is None or any(kind in ("", _KIND) or _KIND.startswith(f"{kind}.")
                               for kind in only)


def _overlaps(a: types.Range, b: types.Range) -> bool:
    return _key(a.start) <= _key(b.end) and _key(b.start) <= _key(a.end)


def _key(position: types.Position) -> tuple[int, int]:
    return position.line, position.character


def _actions(diagnostic: types.Diagnostic, version_of: VersionOf) -> Iterator[types.CodeAction]:
    data = diagnostic.data if isinstance(diagnostic.data, Mapping) else {}
    fixes = data.get("fixes")
    for number, fix in enumerate(fixes if isinstance(fixes, list) else []):
        edit = _workspace_edit(fix) if _current(fix, version_of) else None
        if edit is not None:
            yield types.CodeAction(title=str(fix["title"]), kind=_KIND,
                                   diagnostics=[diagnostic], edit=edit,
                                   is_preferred=number == 0)


def _current(fix: Any, version_of: VersionOf) -> bool:
    """Whether every document the fix edits is still at the version it was computed for."""
    versions = fix.get("versions") if isinstance(fix, Mapping) else None
    return not isinstance(versions, Mapping) or all(
        version_of(uri) in (None, version) for uri, version in versions.items())


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
