"""The quick fix "Guard this change with workflow.patched()": from two versions to edits.

Given the committed text of a workflow module and the editor's text, the change at a
diagnostic's line is wrapped as ``if workflow.patched(id): <new> else: <old>``. Histories
recorded before the change have no marker for ``id``, so ``patched()`` is False while they
replay and they take the old statements again; new runs record the marker and take the new
ones. Every step that can refuse says why in words the editor can show.
"""

from __future__ import annotations

import ast
import warnings
from collections.abc import Iterable

from replaydbg.patchfix.blocks import Region, changed_region
from replaydbg.patchfix.imports import restored_imports, top_level_insertion, workflow_spelling
from replaydbg.patchfix.locate import Function, first_line, function_named, workflow_function_at
from replaydbg.patchfix.names import bound_names, free_names, module_level
from replaydbg.patchfix.patchid import existing_ids as ids_in
from replaydbg.patchfix.patchid import patch_id
from replaydbg.patchfix.render import guarded_lines
from replaydbg.patchfix.results import Guard, NoGuard
from replaydbg.patchfix.source import SourceText, parse_source
from replaydbg.patchfix.textedits import apply_edits, merge_insertions, region_edit


def guard_change(old: str, new: str, line: int, *,
                 existing_ids: Iterable[str] = ()) -> Guard | NoGuard:
    """Put the change of ``new`` at ``line`` (1-based) under a ``workflow.patched()`` guard.

    ``old`` is the committed text of the same file. ``existing_ids`` are patch ids used
    elsewhere (other modules, markers seen in histories) that the new id must not repeat.
    """
    sources = _parse_both(old, new)
    if isinstance(sources, NoGuard):
        return sources
    old_source, new_source = sources
    located = workflow_function_at(new_source.tree, line)
    if located is None:
        return NoGuard(f"line {line} is not inside a method of a @workflow.defn class")
    old_fn = function_named(old_source.tree, located.qualname)
    if old_fn is None:
        return NoGuard(f"{located.qualname} is not in the committed version: a new method "
                       "has no recorded histories to keep replaying")
    refusal = _unguardable(old_fn, located.node, located.qualname, line)
    if refusal is not None:
        return refusal
    region = changed_region(old_fn, located.node, old_source, new_source, line)
    if region is None:
        return NoGuard(f"the change near line {line} is not a sequence of whole statements "
                       f"inside one block of {located.qualname}")
    taken = ids_in([old_source.tree, new_source.tree]) | set(existing_ids)
    return _guard(region, old_source, new_source, located.qualname, located.node, taken)


def _parse_both(old: str, new: str) -> tuple[SourceText, SourceText] | NoGuard:
    try:
        new_source = parse_source(new)
    except SyntaxError as exc:
        return NoGuard(f"the file has a syntax error at line {exc.lineno or 1}")
    try:
        return parse_source(old), new_source
    except SyntaxError:
        return NoGuard("the committed version does not parse")


def _unguardable(old_fn: Function, new_fn: Function, qualname: str, line: int) -> NoGuard | None:
    """Refuse what is not a change of the body: no change at all, or one of the signature."""
    body_changed = _dump(old_fn.body) != _dump(new_fn.body)
    header_changed = _header(old_fn) != _header(new_fn)
    if not body_changed and not header_changed:
        return NoGuard(f"{qualname} has not changed since the committed version")
    # A signature is not code that runs: no patch can give old histories the old one.
    if header_changed and (not body_changed or line < first_line(new_fn.body[0])):
        return NoGuard(f"the change touches the signature or decorators of {qualname}; "
                       "only changes inside its body can be guarded")
    return None


def _guard(region: Region, old: SourceText, new: SourceText, qualname: str,
           new_fn: Function, taken: set[str]) -> Guard | NoGuard:
    module_names = bound_names(module_level(new.tree))
    spelling = workflow_spelling(new.tree, module_names)
    ident = patch_id(qualname, region.new, region.old, taken)
    lines = guarded_lines(region, old, new, f'{spelling.name}.patched("{ident}")')
    local_names = bound_names(ast.walk(new_fn))
    needed = [n for n in free_names(region.old) if n not in module_names | local_names]
    edits, unresolved = restored_imports(needed, old, new)
    if spelling.statement:
        edits.insert(0, top_level_insertion(new, spelling.statement))
    edits = merge_insertions([*edits, region_edit(region, new, lines)])
    problem = _compile_problem(apply_edits(new.text, edits))
    if problem is not None:
        # Python may refuse what ast accepts (a repeated keyword argument): the user's own.
        own = _compile_problem(new.text)
        if own is not None:
            return NoGuard(f"the file has a syntax error at line {own[1]}")
        return NoGuard(f"the guarded code would not compile ({problem[0]} at line {problem[1]})")
    return Guard(ident, tuple(edits), qualname, tuple(unresolved))


def _compile_problem(text: str) -> tuple[str, int] | None:
    """Why and where ``text`` does not compile, if it does not: the check before any offer.

    ``compile`` also catches what ``ast.parse`` accepts but Python refuses, such as a
    ``global`` statement the guard would duplicate after the name's first use.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the user's own SyntaxWarnings are not ours
            compile(text, "<guarded>", "exec", dont_inherit=True)
    except SyntaxError as exc:
        return exc.msg, exc.lineno or 1
    except (ValueError, RecursionError, MemoryError) as exc:
        return str(exc), 1
    return None


def _header(fn: Function) -> str:
    return type(fn).__name__ + "".join(
        _dump(getattr(fn, name, None)) for name in ("args", "returns", "decorator_list",
                                                    "type_params"))


def _dump(value: object) -> str:
    if isinstance(value, list):
        return "[" + ",".join(_dump(item) for item in value) + "]"
    return ast.dump(value) if isinstance(value, ast.AST) else repr(value)
