from __future__ import annotations

from typing import Any

from lsprotocol import types

from replaydbg.lsp.actions import quick_fixes
from replaydbg.lsp.diagnostics import SOURCE

URI = "file:///w/app/workflows.py"


def _range(line: int, start: int, end: int) -> types.Range:
    return types.Range(start=types.Position(line=line, character=start),
                       end=types.Position(line=line, character=end))


def _fix(title: str, line: int, start: int, end: int, text: str,
         version: int | None = None) -> dict[str, Any]:
    edit = {"range": {"start": {"line": line, "character": start},
                      "end": {"line": line, "character": end}}, "newText": text}
    versions = {} if version is None else {URI: version}
    return {"title": title, "changes": {URI: [edit]}, "versions": versions}


def _diagnostic(line: int, fixes: list[Any], source: str = SOURCE) -> types.Diagnostic:
    return types.Diagnostic(range=_range(line, 8, 22), message="m", source=source,
                            code="RDB101", data={"fixes": fixes, "rule": "wall-clock"})


def _params(diagnostics: list[types.Diagnostic], requested: types.Range,
            only: list[str] | None = None) -> types.CodeActionParams:
    return types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=URI), range=requested,
        context=types.CodeActionContext(diagnostics=diagnostics, only=only))


def test_each_fix_becomes_a_quick_fix_with_its_edit() -> None:
    diagnostic = _diagnostic(3, [_fix("Use workflow.now()", 3, 8, 22, "workflow.now()"),
                                 _fix("Other", 3, 8, 8, "x")])
    actions = quick_fixes(_params([diagnostic], _range(3, 10, 10)))
    assert [a.title for a in actions] == ["Use workflow.now()", "Other"]
    first = actions[0]
    assert first.kind == types.CodeActionKind.QuickFix
    assert first.is_preferred and not actions[1].is_preferred
    assert first.diagnostics == [diagnostic]
    assert first.edit is not None and first.edit.changes is not None
    (edit,) = first.edit.changes[URI]
    assert edit.new_text == "workflow.now()"
    assert edit.range == _range(3, 8, 22)


def test_only_diagnostics_touching_the_range_count() -> None:
    near = _diagnostic(3, [_fix("near", 3, 8, 22, "a")])
    far = _diagnostic(9, [_fix("far", 9, 8, 22, "b")])
    actions = quick_fixes(_params([near, far], _range(3, 0, 0)))
    assert [a.title for a in actions] == []
    actions = quick_fixes(_params([near, far], _range(3, 0, 30)))
    assert [a.title for a in actions] == ["near"]


def test_other_sources_and_other_kinds_are_left_alone() -> None:
    foreign = _diagnostic(3, [_fix("foreign", 3, 8, 22, "a")], source="ruff")
    assert quick_fixes(_params([foreign], _range(3, 10, 10))) == []
    ours = _diagnostic(3, [_fix("ours", 3, 8, 22, "a")])
    assert quick_fixes(_params([ours], _range(3, 10, 10), only=["refactor"])) == []
    assert quick_fixes(_params([ours], _range(3, 10, 10), only=["quickfix"]))
    assert quick_fixes(_params([ours], _range(3, 10, 10), only=[""]))


def test_mangled_data_is_skipped_not_fatal() -> None:
    broken = types.Diagnostic(range=_range(3, 8, 22), message="m", source=SOURCE,
                              data={"fixes": [{"title": "t", "changes": {URI: [{}]}}, 7]})
    no_data = types.Diagnostic(range=_range(3, 8, 22), message="m", source=SOURCE)
    assert quick_fixes(_params([broken, no_data], _range(3, 10, 10))) == []


def test_a_fix_for_an_older_version_is_not_offered() -> None:
    diagnostic = _diagnostic(3, [_fix("Use workflow.now()", 3, 8, 22, "workflow.now()", 4)])
    params = _params([diagnostic], _range(3, 10, 10))
    assert quick_fixes(params, lambda uri: 4)
    assert quick_fixes(params, lambda uri: None)  # closed since: the disk is not versioned
    assert quick_fixes(params, lambda uri: 5) == []  # typed on: the ranges are stale
