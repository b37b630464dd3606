from __future__ import annotations

from lsprotocol import types
from pygls.workspace.position_codec import PositionCodec

from replaydbg.lsp.suppress import ignore_action

URI = "file:///w/app/workflows.py"
UTF16 = PositionCodec(types.PositionEncodingKind.Utf16).client_num_units


def _diagnostic(code: str = "RDB101", line: int = 3) -> types.Diagnostic:
    start = types.Position(line=line, character=4)
    return types.Diagnostic(range=types.Range(start=start, end=start), message="m",
                            code=code, source="replaydbg")


def _edit(line: str, code: str = "RDB101") -> types.TextEdit | None:
    action = ignore_action(_diagnostic(code), URI, line, UTF16)
    if action is None:
        return None
    assert action.title == f"Ignore {code} on this line"
    assert action.edit is not None and action.edit.changes is not None
    [edit] = action.edit.changes[URI]
    return edit


def test_appends_at_the_end_of_the_line_in_utf16_units() -> None:
    line = "    x = f'😀' + datetime.now()"
    edit = _edit(line + "\n")
    assert edit is not None and edit.new_text == "  # replaydbg: ignore[RDB101]"
    # the emoji is two UTF-16 units: the end of the line is one unit past its length
    end = types.Position(line=3, character=len(line) + 1)
    assert edit.range.start == edit.range.end == end


def test_merges_into_the_codes_already_there() -> None:
    line = "    x = datetime.now()  # replaydbg: ignore[RDB102,RDB103]  # noqa: E501\n"
    edit = _edit(line)
    assert edit is not None
    assert edit.new_text == "# replaydbg: ignore[RDB102, RDB103, RDB101]"
    assert line[edit.range.start.character:edit.range.end.character] == \
        "# replaydbg: ignore[RDB102,RDB103]"


def test_nothing_when_the_line_already_ignores_it() -> None:
    assert _edit("    x = datetime.now()  # replaydbg: ignore[RDB101]\n") is None
    assert _edit("    x = datetime.now()  # replaydbg: ignore\n") is None
    assert ignore_action(types.Diagnostic(range=_diagnostic().range, message="m"),
                         URI, "x", UTF16) is None
