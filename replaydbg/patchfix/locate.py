"""Finding the workflow method a line belongs to, and the same method in another version.

Only code of ``@workflow.defn`` classes is replayed, so only their methods (and functions
nested in them) can be guarded with ``workflow.patched()``. Functions are matched across
versions by qualified name (``GreetingWorkflow.run``): a method moved within its class is
still the same method.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TypeAlias

from replaydbg.patchfix.names import module_aliases, resolve

#: A function definition of either kind.
Function: TypeAlias = "ast.FunctionDef | ast.AsyncFunctionDef"

_DEFN = "temporalio.workflow.defn"


@dataclass(frozen=True)
class Located:
    """A function, its qualified name, and whether a workflow class encloses it."""

    qualname: str
    node: Function
    in_workflow: bool


def first_line(node: ast.stmt) -> int:
    """The first line of a statement, its decorators included."""
    decorators: list[ast.expr] = getattr(node, "decorator_list", [])
    return min([node.lineno, *(d.lineno for d in decorators)])


def functions(tree: ast.Module) -> Iterator[Located]:
    """Every function of the module, outermost first."""
    aliases = module_aliases(tree)
    pending: list[tuple[ast.AST, str, bool]] = [(tree, "", False)]
    while pending:
        node, prefix, in_workflow = pending.pop()
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                located = Located(prefix + child.name, child, in_workflow)
                yield located
                pending.append((child, located.qualname + ".", in_workflow))
            elif isinstance(child, ast.ClassDef):
                workflow = in_workflow or is_workflow_class(child, aliases)
                pending.append((child, f"{prefix}{child.name}.", workflow))
            else:
                pending.append((child, prefix, in_workflow))


def is_workflow_class(node: ast.ClassDef, aliases: dict[str, str]) -> bool:
    """Whether ``node`` is decorated with ``workflow.defn``, with or without arguments."""
    for decorator in node.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        # The literal spelling also counts: a module may get ``workflow`` in a way we do not
        # follow (a star import, a re-export) and still mean Temporal's.
        if resolve(target, aliases) == _DEFN or resolve(target, {}) == "workflow.defn":
            return True
    return False


def workflow_function_at(tree: ast.Module, line: int) -> Located | None:
    """The innermost function of a workflow class whose lines include ``line``."""
    found: Located | None = None
    for located in functions(tree):
        node = located.node
        inside = first_line(node) <= line <= (node.end_lineno or node.lineno)
        if inside and located.in_workflow and (found is None or _within(node, found.node)):
            found = located
    return found


def _within(inner: Function, outer: Function) -> bool:
    return outer.lineno <= inner.lineno and (inner.end_lineno or 0) <= (outer.end_lineno or 0)


def function_named(tree: ast.Module, qualname: str) -> Function | None:
    """The function called ``qualname``; the last one when redefined, as Python keeps it."""
    found: Function | None = None
    for located in functions(tree):
        if located.qualname == qualname:
            found = located.node
    return found
