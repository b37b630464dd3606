"""Which names a module or a function binds, and which modules its imports name.

The guard needs three answers from plain syntax trees: is a class decorated with
``workflow.defn`` however the module spells it; how does the module spell
``temporalio.workflow`` (for the ``patched()`` call); and which names the old statements use
that the current file no longer binds (an activity whose import was dropped with its call).
"""

from __future__ import annotations

import ast
import builtins
from collections.abc import Iterable, Iterator
from typing import TypeAlias

from replaydbg.rules.astutil import dotted

_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)
_BUILTINS = frozenset(dir(builtins))

#: An import statement of either form.
Imports: TypeAlias = "ast.Import | ast.ImportFrom"


def module_level(tree: ast.Module) -> Iterator[ast.AST]:
    """Nodes run at module level (in ``if``/``try``/``with`` too), and the top-level scopes.

    Nothing inside a function or class body is visited: those names are not module names.
    """
    stack: list[ast.AST] = list(reversed(tree.body))
    while stack:
        node = stack.pop()
        yield node
        if not isinstance(node, _SCOPES):
            stack.extend(reversed(list(ast.iter_child_nodes(node))))


def module_imports(tree: ast.Module) -> list[Imports]:
    """The module-level import statements, in order."""
    return [n for n in module_level(tree) if isinstance(n, (ast.Import, ast.ImportFrom))]


def import_bindings(node: Imports) -> Iterator[tuple[str, ast.alias]]:
    """(local name, alias) for each name an import statement binds (``*`` binds none we know)."""
    for alias in node.names:
        if alias.name == "*":
            continue
        if alias.asname:
            yield alias.asname, alias
        elif isinstance(node, ast.Import):
            yield alias.name.split(".", 1)[0], alias
        else:
            yield alias.name, alias


def module_aliases(tree: ast.Module) -> dict[str, str]:
    """Local name -> the absolute dotted name it stands for, from module-level imports."""
    aliases: dict[str, str] = {}
    for node in module_imports(tree):
        if isinstance(node, ast.ImportFrom) and (node.level or not node.module):
            continue  # a relative import never names temporalio
        for local, alias in import_bindings(node):
            if isinstance(node, ast.ImportFrom):
                aliases[local] = f"{node.module}.{alias.name}"
            else:
                aliases[local] = alias.name if alias.asname else local
    return aliases


def resolve(node: ast.expr, aliases: dict[str, str]) -> str:
    """The absolute dotted name of ``node`` (``wf.defn`` -> ``temporalio.workflow.defn``)."""
    name = dotted(node)
    head, dot, rest = name.partition(".")
    return aliases.get(head, head) + dot + rest if name else ""


def bound_names(nodes: Iterable[ast.AST]) -> set[str]:
    """Names the nodes bind: assignments, imports, definitions, parameters, ``as`` targets."""
    found: set[str] = set()
    for node in nodes:
        if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
            found.add(node.id)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            found.update(local for local, _ in import_bindings(node))
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            found.add(node.name)
        elif isinstance(node, ast.arg):
            found.add(node.arg)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            found.add(node.name)
        elif isinstance(node, (ast.MatchAs, ast.MatchStar)) and node.name:
            found.add(node.name)
    return found


def free_names(statements: Iterable[ast.stmt]) -> list[str]:
    """Names ``statements`` read but neither bind themselves nor get from the builtins.

    A name bound anywhere in the statements (even by a nested lambda) counts as bound: this
    may miss a missing name, never report one that is not missing.
    """
    nodes = [n for stmt in statements for n in ast.walk(stmt)]
    bound = bound_names(nodes)
    loaded = (n.id for n in nodes if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load))
    return [name for name in dict.fromkeys(loaded) if name not in bound | _BUILTINS]
