"""Applying LSP-style line edits the way an editor does, independently of the library."""

from __future__ import annotations

from replaydbg.patchfix import Guard, NoGuard, guard_change


def apply(text: str, edits: tuple[tuple[int, int, int, int, str], ...]) -> str:
    """``text`` with ``edits`` applied; positions (0-based line, column) refer to ``text``."""
    starts = [0]
    for line in text.splitlines(keepends=True):
        starts.append(starts[-1] + len(line))
    for start_line, start_col, end_line, end_col, new_text in sorted(edits, reverse=True):
        start, end = starts[start_line] + start_col, starts[end_line] + end_col
        assert text[start:end].count("\n") == end_line - start_line
        text = text[:start] + new_text + text[end:]
    return text


def line_of(text: str, marker: str) -> int:
    """The 1-based line holding ``marker``."""
    return next(n for n, line in enumerate(text.splitlines(), 1) if marker in line)


def guarded(old: str, new: str, marker: str) -> tuple[Guard, str]:
    """The guard for the change at ``marker`` in ``new`` and the text it makes, which compiles."""
    result = guard_change(old, new, line_of(new, marker))
    assert isinstance(result, Guard), result
    fixed = apply(new, result.edits)
    compile(fixed, "<fixed>", "exec")
    return result, fixed


def refused(old: str, new: str, line: int) -> str:
    """The reason given for not guarding the change at ``line``."""
    result = guard_change(old, new, line)
    assert isinstance(result, NoGuard), result
    return result.reason
