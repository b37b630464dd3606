"""Mechanical fixes: the text edits that replace a non-deterministic call by its workflow twin.

A fix that needs ``workflow`` (or ``asyncio``) adds the import when the module lacks it, using
the module's own alias when there is one, so that applying a fix never leaves a NameError.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from replaydbg.rules.facts import IN_ASYNC, CallFact
from replaydbg.rules.model import Fix, Position, Span, TextEdit
from replaydbg.rules.module import ModuleFacts


@dataclass(frozen=True)
class FixContext:
    """Where a fix applies and how the module spells ``workflow`` and ``asyncio``."""

    path: Path
    workflow: str | None
    asyncio: str | None
    import_line: int

    @classmethod
    def of(cls, module: ModuleFacts, resolved_aliases: dict[str, str]) -> FixContext:
        """Build the context; ``resolved_aliases`` maps absolute module names to local names."""
        return cls(module.path, resolved_aliases.get("temporalio.workflow"),
                   resolved_aliases.get("asyncio"), _import_line(module))

    def module_edits(self, name: str) -> tuple[str, tuple[TextEdit, ...]]:
        """The local spelling of ``workflow``/``asyncio`` and the import edit if missing."""
        local = self.workflow if name == "workflow" else self.asyncio
        if local:
            return local, ()
        statement = "from temporalio import workflow\n" if name == "workflow" \
            else "import asyncio\n"
        at = Position(self.import_line, 0)
        return name, (TextEdit(self.path, Span(at, at), statement),)


def _import_line(module: ModuleFacts) -> int:
    """Insert imports before the first non-``__future__`` import (or at line 1)."""
    lines = sorted(offset + i.span[0] for i, offset in module.imports
                   if i.module != "__future__")
    future = [offset + i.span[2] + 1 for i, offset in module.imports
              if i.module == "__future__"]
    if lines:
        return lines[0]
    return max(future, default=1)


_REPLACEMENTS = {
    "now": ("workflow", "{w}.now()", "Use {w}.now() (UTC, timezone-aware)"),
    "today": ("workflow", "{w}.now().date()", "Use {w}.now().date()"),
    "time": ("workflow", "{w}.time()", "Use {w}.time()"),
    "time_ns": ("workflow", "{w}.time_ns()", "Use {w}.time_ns()"),
    "uuid4": ("workflow", "{w}.uuid4()", "Use {w}.uuid4()"),
    "uuid7": ("workflow", "{w}.uuid7()", "Use {w}.uuid7()"),
}
_CALLEE_SWAPS = {
    "wait": ("workflow", "{w}.wait", "Use {w}.wait"),
    "as_completed": ("workflow", "{w}.as_completed", "Use {w}.as_completed"),
    "urandom": ("workflow", "{w}.random().randbytes", "Use {w}.random().randbytes"),
    "logging": ("workflow", "{w}.logger.{m}", "Use {w}.logger"),
    "logger": ("workflow", "{w}.logger.{m}", "Use {w}.logger"),
    "random": ("workflow", "{w}.random().{m}", "Use {w}.random().{m}"),
}


def call_fix(kind: str, call: CallFact, func: Span, whole: Span, ctx: FixContext) -> Fix | None:
    """The fix of ``kind`` for ``call`` (spans already in file positions), if mechanical."""
    if kind in _REPLACEMENTS:
        module, text, title = _REPLACEMENTS[kind]
        return _swap(ctx, module, whole, text, title, call.method)
    if kind in _CALLEE_SWAPS:
        module, text, title = _CALLEE_SWAPS[kind]
        method = call.method or call.callee.rsplit(".", 1)[-1]
        return _swap(ctx, module, func, text, title, method)
    if kind == "print" and call.nargs == 1 and not call.kwargs and not call.star_kwargs:
        return _swap(ctx, "workflow", func, "{w}.logger.info", "Use {w}.logger.info", "")
    if kind == "sleep" and call.flags & IN_ASYNC:
        return _sleep(call, func, ctx)
    return None


def _swap(ctx: FixContext, module: str, span: Span, text: str, title: str,
          method: str) -> Fix:
    local, imports = ctx.module_edits(module)
    new_text = text.format(w=local, m=method)
    return Fix(title.format(w=local, m=method), (TextEdit(ctx.path, span, new_text), *imports))


def _sleep(call: CallFact, func: Span, ctx: FixContext) -> Fix:
    local, imports = ctx.module_edits("asyncio")
    # One edit (not an insertion plus a replacement at the same place: editors reject overlaps).
    text = f"{local}.sleep" if call.awaited else f"await {local}.sleep"
    return Fix(f"Use await {local}.sleep", (TextEdit(ctx.path, func, text), *imports))


def await_fix(call_span: Span, path: Path) -> Fix:
    """Insert the missing ``await``."""
    at = call_span.start
    return Fix("Add await", (TextEdit(path, Span(at, at), "await "),))


def sorted_fix(span: Span, path: Path) -> Fix:
    """Wrap a set in ``sorted(...)`` so that its order no longer depends on hashes."""
    return Fix("Wrap in sorted(...)", (TextEdit(path, Span(span.start, span.start), "sorted("),
                                       TextEdit(path, Span(span.end, span.end), ")")))
