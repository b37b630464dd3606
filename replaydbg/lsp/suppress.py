"""The quick fix "Ignore RDBxxx on this line": writes or extends ``# replaydbg: ignore[...]``.

A finding the user has judged harmless should be silenced where it is, visibly, with the
code named (a bare ``# noqa`` would hide the next, different problem on that line too). An
existing ``# replaydbg: ignore[...]`` on the line gets the code added, so a line never
carries two directives; a bare ``# replaydbg: ignore`` already silences everything, and a
line with one is offered nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from lsprotocol import types

_DIRECTIVE = re.compile(r"#\s*replaydbg:\s*ignore(?:\[(?P<codes>[^\]]*)\])?")

#: Length of a prefix of a line in the client's position units (UTF-16 by default).
Units = Callable[[str], int]


def ignore_action(diagnostic: types.Diagnostic, uri: str, line_text: str,
                  units: Units) -> types.CodeAction | None:
    """The action adding ``diagnostic``'s code to the suppression of its first line."""
    code = diagnostic.code if isinstance(diagnostic.code, str) else None
    if code is None:
        return None
    line_text = line_text.rstrip("\r\n")
    edit = _edit(code, line_text, diagnostic.range.start.line, units)
    if edit is None:
        return None
    return types.CodeAction(title=f"Ignore {code} on this line",
                            kind=types.CodeActionKind.QuickFix, diagnostics=[diagnostic],
                            edit=types.WorkspaceEdit(changes={uri: [edit]}))


def _edit(code: str, text: str, line: int, units: Units) -> types.TextEdit | None:
    found = _DIRECTIVE.search(text)
    if found is None:
        end = types.Position(line=line, character=units(text))
        return types.TextEdit(range=types.Range(start=end, end=end),
                              new_text=f"  # replaydbg: ignore[{code}]")
    if found.group("codes") is None:
        return None  # a bare directive silences every code already
    codes = [c.strip() for c in found.group("codes").split(",") if c.strip()]
    if code in codes:
        return None
    merged = f"# replaydbg: ignore[{', '.join([*codes, code])}]"
    start = types.Position(line=line, character=units(text[:found.start()]))
    end = types.Position(line=line, character=units(text[:found.end()]))
    return types.TextEdit(range=types.Range(start=start, end=end), new_text=merged)
