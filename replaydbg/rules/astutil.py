"""Small AST helpers shared by the scanners: dotted names, character spans, node walks."""

from __future__ import annotations

import ast
from collections.abc import Iterable

from replaydbg.rules.facts import RawSpan
from replaydbg.rules.source import char_column

_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
#: Fields that never hold a node with children: names, operators, contexts, flags.
_NOT_CHILDREN = frozenset({"ctx", "op", "ops", "id", "attr", "arg", "asname", "name", "names",
                           "module", "level", "type_comment", "kind", "conversion", "is_async",
                           "simple", "kwd_attrs", "rest", "tag"})
#: Node class -> the fields :func:`child_fields` keeps (read it directly in hot loops).
CHILD_FIELDS: dict[type, tuple[str, ...]] = {}


def _with_subclasses(classes: tuple[type, ...]) -> frozenset[type]:
    found: set[type] = set()
    pending = list(classes)
    while pending:
        cls = pending.pop()
        found.add(cls)
        pending.extend(cls.__subclasses__())
    return frozenset(found)


#: Node classes with nothing below them worth a visit (contexts, operators, names,
#: constants), as a set of exact classes: a lookup is cheaper than ``isinstance`` on a tuple.
LEAF_TYPES = _with_subclasses((ast.expr_context, ast.operator, ast.cmpop, ast.unaryop,
                               ast.boolop, ast.Name, ast.Constant))


def child_fields(node_class: type) -> tuple[str, ...]:
    """The fields of ``node_class`` that may hold nodes worth a visit."""
    fields = CHILD_FIELDS.get(node_class)
    if fields is None:
        names: tuple[str, ...] = getattr(node_class, "_fields", ())
        fields = CHILD_FIELDS[node_class] = tuple(f for f in names if f not in _NOT_CHILDREN)
    return fields


def dotted(node: ast.expr) -> str:
    """``a.b.c`` for a chain of attributes on a name, else ""."""
    if node.__class__ is ast.Name:  # the most common case, without the list
        return node.id
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return ""
    parts.append(node.id)
    return ".".join(reversed(parts))


class Positions:
    """Turns ``ast`` positions (UTF-8 byte columns) into raw character spans."""

    def __init__(self, lines: list[str], *, ascii_only: bool = False) -> None:
        self.lines = lines
        #: Every line is ASCII, so byte columns are character columns (the usual case).
        self.ascii_only = ascii_only

    def span(self, node: ast.AST) -> RawSpan:
        """The character span of ``node``."""
        line, end = node.lineno, node.end_lineno or node.lineno  # type: ignore[attr-defined]
        col, end_col = node.col_offset, node.end_col_offset or 0  # type: ignore[attr-defined]
        if self.ascii_only:
            return line, col, end, end_col
        return line, self._column(line, col), end, self._column(end, end_col)

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
