"""Line edits: the one replacing a changed region, and applying edits to a text.

The region is replaced by whole lines, from the start of its first line to the end of its
last (line end excluded), so that the edit never depends on how columns are counted except
for that last line's length. A removal has no lines to replace: its guard is inserted next
to the statement before (or after) the removed ones.
"""

from __future__ import annotations

from collections.abc import Sequence

from replaydbg.patchfix.blocks import Region
from replaydbg.patchfix.locate import first_line
from replaydbg.patchfix.results import LineEdit
from replaydbg.patchfix.source import SourceText
from replaydbg.rules.source import code_lines


def region_edit(region: Region, new: SourceText, lines: list[str]) -> LineEdit:
    """The edit that puts ``lines`` in place of the region's statements of ``new``."""
    text = new.newline.join(lines)
    if region.new:
        first = first_line(region.new[0])
        last = region.new[-1].end_lineno or region.new[-1].lineno
        return LineEdit(first - 1, 0, last - 1, len(new.line(last)), text)
    statements = region.new_block.statements
    if region.j1 > 0:
        before = statements[region.j1 - 1]
        return insertion_after(new, before.end_lineno or before.lineno, text)
    start = first_line(statements[0]) - 1
    return LineEdit(start, 0, start, 0, text + new.newline)


def insertion_after(source: SourceText, line: int, text: str) -> LineEdit:
    """Insert ``text`` as a new line after line ``line`` (1-based), at the end of that line.

    Inserting at the end of the line rather than at the start of the next one also works
    when the line is the last of a file without a final line end.
    """
    end = len(source.line(line))
    return LineEdit(line - 1, end, line - 1, end, source.newline + text)


def merge_insertions(edits: Sequence[LineEdit]) -> list[LineEdit]:
    """One edit per insertion point: clients apply same-place insertions in no fixed order."""
    merged: dict[tuple[int, int], LineEdit] = {}
    for edit in edits:
        at = (edit.start_line, edit.start_col)
        if at in merged and edit.start_line == edit.end_line and edit.start_col == edit.end_col:
            previous = merged[at]
            merged[at] = previous._replace(new_text=previous.new_text + edit.new_text)
        else:
            merged[at] = edit
    return [merged[at] for at in sorted(merged)]


def apply_edits(text: str, edits: Sequence[LineEdit]) -> str:
    """``text`` with non-overlapping ``edits`` applied (positions refer to the original)."""
    lines = code_lines(text)
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))

    def offset(line: int, column: int) -> int:
        return offsets[min(line, len(lines))] + column

    result = text
    for edit in sorted(edits, key=lambda e: (e.start_line, e.start_col), reverse=True):
        start = offset(edit.start_line, edit.start_col)
        result = result[:start] + edit.new_text + result[offset(edit.end_line, edit.end_col):]
    return result
