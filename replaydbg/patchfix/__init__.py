"""Guarding an incompatible workflow change with ``workflow.patched()``: the fix's engine.

Pure analysis of two versions of a module (plus reading the committed one from git); the
language server turns a :class:`Guard` into a code action. Everything else is internal.
"""

from replaydbg.patchfix.committed import Committed, committed_text
from replaydbg.patchfix.guard import guard_change
from replaydbg.patchfix.results import Guard, LineEdit, NoGuard
from replaydbg.patchfix.textedits import apply_edits

__all__ = ["Committed", "Guard", "LineEdit", "NoGuard", "apply_edits", "committed_text",
           "guard_change"]
