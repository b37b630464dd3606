"""Small AST helpers shared by the scanners: dotted names, character spans, node walks."""

from __future__ import annotations

import ast
from collections.abc import Iterable

from replaydbg.rules.model import Position, Span
from replaydbg.rules.source import char_column

_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


def dotted(node: ast.expr) -> str:
    """``a.b.c`` for a chain of attributes on a name, else ""."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return ""
    parts.append(node.id)
    return ".".join(reversed(parts))


class Positions:
    """Turns ``ast`` positions (UTF-8 byte columns) into character spans."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines

    def span(self, node: ast.AST) -> Span:
        """The character span of ``node``."""
        line, end = node.lineno, node.end_lineno or node.lineno  # type: ignore[attr-defined]
        col, end_col = node.col_offset, node.end_col_offset or 0  # type: ignore[attr-defined]
        return Span(Position(line, self._column(line, col)),
                    Position(end, self._column(end, end_col)))

    def _column(self, line: int, offset: int) -> int:
        text = self.lines[line - 1] if 0 < line <= len(self.lines) else ""
        return char_column(text, offset)


def walk_scope(node: ast.AST) -> list[ast.AST]:
    """All nodes under ``node`` without entering nested functions or classes."""
    result: list[ast.AST] = []
    stack = [node]
    while stack:
        current = stack.pop()
        result.append(current)
        stack.extend(c for c in ast.iter_child_nodes(current) if not isinstance(c, _SCOPES))
    return result


def self_attrs(nodes: Iterable[ast.AST]) -> set[str]:
    """Names of the ``self.x`` attributes among ``nodes``."""
    return {n.attr for n in nodes
            if isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name)
            and n.value.id == "self"}


def assigned_self_attrs(nodes: list[ast.AST]) -> set[str]:
    """``self.x`` attributes assigned, augmented or mutated by a method call in ``nodes``."""
    targets: list[ast.expr] = []
    for node in nodes:
        if isinstance(node, ast.Assign):
            targets.extend(node.targets)
        elif isinstance(node, (ast.AugAssign, ast.AnnAssign)):
            targets.append(node.target)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            targets.append(node.func.value)  # self.items.append(...) changes self.items
    return self_attrs(n for t in targets for n in ast.walk(t))


def subscript_base(node: ast.expr) -> str:
    """``a.b`` for ``a.b[i][j]``."""
    while isinstance(node, ast.Subscript):
        node = node.value
    return dotted(node)


def is_not_replaying(test: ast.expr) -> bool:
    """Whether ``test`` is ``not workflow.unsafe.is_replaying()``."""
    return (isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not)
            and isinstance(test.operand, ast.Call)
            and dotted(test.operand.func).endswith("is_replaying"))
