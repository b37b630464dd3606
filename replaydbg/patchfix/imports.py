"""The import edits a guard needs: ``workflow`` for ``patched()``, and what the old code used.

The old branch brings back statements that may use names the current file dropped with them
(``send_email`` left the import list when its call was replaced by ``send_sms``). Without
them the old histories would replay into a NameError, so each such name gets the import the
committed version had, next to the current import from the same module when there is one:
that keeps it inside a ``workflow.unsafe.imports_passed_through()`` block.
"""

from __future__ import annotations

import ast
from collections.abc import Sequence
from dataclasses import dataclass

from replaydbg.patchfix.names import Imports, import_bindings, module_aliases, module_imports
from replaydbg.patchfix.results import LineEdit
from replaydbg.patchfix.source import SourceText
from replaydbg.patchfix.textedits import insertion_after

_WORKFLOW = "temporalio.workflow"


@dataclass(frozen=True)
class Spelling:
    """How the guard writes ``temporalio.workflow`` in the file, and the import it needs."""

    name: str
    #: The import statement to add, "" when the module already has one.
    statement: str = ""


def workflow_spelling(tree: ast.Module, bound: set[str]) -> Spelling:
    """The module's own name for ``temporalio.workflow``, else ``workflow`` once imported."""
    aliases = module_aliases(tree)
    names = sorted((local for local, target in aliases.items() if target == _WORKFLOW),
                   key=lambda local: (local != "workflow", local))
    if names:
        return Spelling(names[0])
    package = next((local for local, target in aliases.items() if target == "temporalio"), "")
    if package:
        return Spelling(f"{package}.workflow")
    if "workflow" not in bound:
        return Spelling("workflow", "from temporalio import workflow")
    # ``workflow`` is already something else in this module: do not shadow it.
    return Spelling(_WORKFLOW, "import temporalio.workflow")


def restored_imports(needed: Sequence[str], old: SourceText,
                     new: SourceText) -> tuple[list[LineEdit], list[str]]:
    """Edits importing ``needed`` names as the committed file did; the names left unresolved."""
    by_statement: dict[int, tuple[Imports, list[ast.alias]]] = {}
    unresolved: list[str] = []
    old_imports = {local: (node, alias) for node in module_imports(old.tree)
                   for local, alias in import_bindings(node)}
    for name in needed:
        if name not in old_imports:
            unresolved.append(name)
            continue
        node, alias = old_imports[name]
        by_statement.setdefault(id(node), (node, []))[1].append(alias)
    return [_import_edit(node, aliases, new) for node, aliases in by_statement.values()], \
        unresolved


def _import_edit(node: Imports, aliases: list[ast.alias], new: SourceText) -> LineEdit:
    names = ", ".join(a.name + (f" as {a.asname}" if a.asname else "") for a in aliases)
    if isinstance(node, ast.Import):
        return top_level_insertion(new, f"import {names}")
    module = "." * node.level + (node.module or "")
    statement = f"from {module} import {names}"
    twin = next((n for n in module_imports(new.tree) if isinstance(n, ast.ImportFrom)
                 and n.module == node.module and n.level == node.level), None)
    if twin is None:
        return top_level_insertion(new, statement)
    return insertion_after(new, twin.end_lineno or twin.lineno,
                           new.indent(twin.lineno) + statement)


def top_level_insertion(new: SourceText, statement: str) -> LineEdit:
    """Insert ``statement`` after the last top-level import (after the docstring if none)."""
    body = new.tree.body
    imports = [n for n in body if isinstance(n, (ast.Import, ast.ImportFrom))]
    if imports:
        return insertion_after(new, imports[-1].end_lineno or imports[-1].lineno, statement)
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
            and isinstance(body[0].value.value, str):
        return insertion_after(new, body[0].end_lineno or body[0].lineno, statement)
    return LineEdit(0, 0, 0, 0, statement + new.newline)
