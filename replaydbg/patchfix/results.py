"""What the guard engine answers: the edits of a fix, or the reason there is none."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple


class LineEdit(NamedTuple):
    """Replace the text from (start_line, start_col) to (end_line, end_col) with ``new_text``.

    Lines are 0-based like LSP's; columns count characters (code points), like the rules'
    findings: the protocol layer converts them into the client's position encoding. An edit
    whose start equals its end is an insertion.
    """

    start_line: int
    start_col: int
    end_line: int
    end_col: int
    new_text: str


@dataclass(frozen=True)
class Guard:
    """The edits that put a change under ``workflow.patched(patch_id)``."""

    patch_id: str
    #: Non-overlapping edits of the current text, in document order, applied together.
    edits: tuple[LineEdit, ...]
    #: Qualified name of the function changed, e.g. ``GreetingWorkflow.run``.
    function: str
    #: Names the old branch uses that the current file no longer defines (its locals, module
    #: constants): the fix cannot bring them back, so the user must.
    unresolved: tuple[str, ...] = ()


@dataclass(frozen=True)
class NoGuard:
    """Why no guard can be offered; ``reason`` reads after "Cannot guard this change: "."""

    reason: str
