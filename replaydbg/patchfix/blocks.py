"""Finding the changed statements: the smallest block both versions share, diffed by statement.

A guard must wrap whole statements of one block (the body of the function, or of one branch
of an ``if``/``for``/``while``/``with``/``try``/``match`` that exists with the same shape in
both versions): ``if workflow.patched(...)`` can only hold statements. Statements are compared
by their syntax trees without positions, so moving code down a line or reformatting a comment
is not a change, and a change anywhere inside a statement makes the whole statement the unit.
"""

from __future__ import annotations

import ast
import copy
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

from replaydbg.patchfix.locate import Function, first_line
from replaydbg.patchfix.source import SourceText

_BRANCH_FIELDS = ("body", "handlers", "cases", "orelse", "finalbody")


@dataclass(frozen=True)
class Block:
    """A statement list and the line of the statement (or clause) that owns it."""

    statements: Sequence[ast.stmt]
    owner_line: int


@dataclass(frozen=True)
class Region:
    """``old_block.statements[i1:i2]`` became ``new_block.statements[j1:j2]``."""

    old_block: Block
    new_block: Block
    i1: int
    i2: int
    j1: int
    j2: int

    @property
    def old(self) -> Sequence[ast.stmt]:
        """The statements of the committed version the change replaced (may be empty)."""
        return self.old_block.statements[self.i1:self.i2]

    @property
    def new(self) -> Sequence[ast.stmt]:
        """The statements of the current version (may be empty: a removal)."""
        return self.new_block.statements[self.j1:self.j2]


def changed_region(old_fn: Function, new_fn: Function, old: SourceText, new: SourceText,
                   line: int) -> Region | None:
    """The change at (or nearest to) ``line`` of the body, or None if it is not guardable."""
    return _in_block(Block(old_fn.body, old_fn.lineno), Block(new_fn.body, new_fn.lineno),
                     old, new, line)


def _in_block(old_block: Block, new_block: Block, old: SourceText, new: SourceText,
              line: int) -> Region | None:
    keys = SequenceMatcher(None, [_key(s) for s in old_block.statements],
                           [_key(s) for s in new_block.statements], autojunk=False)
    changes = [op[1:] for op in keys.get_opcodes() if op[0] != "equal"]
    if not changes:
        return None
    i1, i2, j1, j2 = min(changes, key=lambda op: _distance(new_block.statements, op, line))
    region = Region(old_block, new_block, i1, i2, j1, j2)
    deeper = _inside_statement(region, old, new, line)
    if deeper is not None:
        return deeper
    return region if _whole_lines(region, old, new) else None


def _inside_statement(region: Region, old: SourceText, new: SourceText,
                      line: int) -> Region | None:
    """The change inside the one compound statement at ``line``, if its shape is unchanged.

    ``if a: x()`` -> ``if a: y()`` is guarded around ``y()``; ``if a`` -> ``if b`` is not a
    change inside the statement, so the caller guards the whole statement.
    """
    if len(region.old) != len(region.new) or not region.new:
        return None
    index = min(range(len(region.new)), key=lambda k: _span_distance(region.new[k], line))
    old_stmt, new_stmt = region.old[index], region.new[index]
    old_branches, new_branches = _branches(old_stmt, old), _branches(new_stmt, new)
    if not new_branches or len(old_branches) != len(new_branches) \
            or _shape(old_stmt, old) != _shape(new_stmt, new):
        return None
    pairs = [(o, n) for o, n in zip(old_branches, new_branches, strict=True)
             if _keys(o.statements) != _keys(n.statements)]
    if not pairs:
        return None
    old_branch, new_branch = min(pairs, key=lambda p: _block_distance(p[1].statements, line))
    return _in_block(old_branch, new_branch, old, new, line)


def _branches(stmt: ast.stmt, source: SourceText) -> list[Block]:
    """The statement lists of a compound statement, an ``elif`` chain flattened into it.

    An ``elif`` is not a block of its own: its text cannot be wrapped in an ``if``.
    """
    if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return []  # a nested function is guarded from inside: it is found as a function
    if isinstance(stmt, ast.If):
        blocks = [Block(stmt.body, stmt.lineno)]
        if _elif(stmt, source):
            return blocks + _branches(stmt.orelse[0], source)
        return blocks + ([Block(stmt.orelse, stmt.lineno)] if stmt.orelse else [])
    blocks = []
    for name in _BRANCH_FIELDS:
        items = getattr(stmt, name, None) or []
        for item in items:
            if isinstance(item, ast.ExceptHandler):
                blocks.append(Block(item.body, item.lineno))
            elif isinstance(item, ast.match_case):
                blocks.append(Block(item.body, item.pattern.lineno))
        if items and isinstance(items[0], ast.stmt):
            blocks.append(Block(items, stmt.lineno))
    return blocks


def _elif(stmt: ast.If, source: SourceText) -> bool:
    orelse = stmt.orelse
    return len(orelse) == 1 and isinstance(orelse[0], ast.If) \
        and source.line(orelse[0].lineno).lstrip().startswith("elif")


def _shape(stmt: ast.stmt, source: SourceText) -> str:
    """The statement with its blocks emptied: what must be equal for a change to be inside."""
    return ast.dump(_hollow(stmt, source))


def _hollow(stmt: ast.stmt, source: SourceText) -> ast.stmt:
    hollow = copy.copy(stmt)
    for name in _BRANCH_FIELDS:
        items = getattr(stmt, name, None)
        if not items:
            continue
        if isinstance(items[0], (ast.ExceptHandler, ast.match_case)):
            setattr(hollow, name, [_hollow_clause(item) for item in items])
        elif name == "orelse" and isinstance(stmt, ast.If) and _elif(stmt, source):
            setattr(hollow, name, [_hollow(items[0], source)])  # the elif's test is shape
        else:
            setattr(hollow, name, [ast.Pass()])  # a block is there; what it holds is not shape
    return hollow


def _hollow_clause(item: ast.AST) -> ast.AST:
    hollow = copy.copy(item)
    hollow.body = [ast.Pass()]  # type: ignore[attr-defined]
    return hollow


def _key(stmt: ast.stmt) -> str:
    return ast.dump(stmt)


def _keys(statements: Sequence[ast.stmt]) -> list[str]:
    return [_key(s) for s in statements]


def _span(stmt: ast.stmt) -> tuple[int, int]:
    return first_line(stmt), stmt.end_lineno or stmt.lineno


def _span_distance(stmt: ast.stmt, line: int) -> tuple[float, float]:
    start, end = _span(stmt)
    return _gap(start, end, line), start


def _block_distance(statements: Sequence[ast.stmt], line: int) -> tuple[float, float]:
    return _gap(first_line(statements[0]), _span(statements[-1])[1], line), 0


def _distance(new: Sequence[ast.stmt], op: tuple[int, int, int, int],
              line: int) -> tuple[float, float]:
    """How far ``line`` is from a change; ties go to the earlier change.

    A removal sits between two statements: half a line before the next one, so that the
    line of the first statement after a removed command (where replay diverges) finds it.
    """
    _, _, j1, j2 = op
    start: float
    end: float
    if j2 > j1:
        start, end = first_line(new[j1]), _span(new[j2 - 1])[1]
    elif j1 < len(new):
        start = end = first_line(new[j1]) - 0.5
    else:
        start = end = _span(new[-1])[1] + 0.5
    return _gap(start, end, line), start


def _gap(start: float, end: float, line: int) -> float:
    return 0 if start <= line <= end else min(abs(line - start), abs(line - end))


def _whole_lines(region: Region, old: SourceText, new: SourceText) -> bool:
    """Whether the region's statements (or its insertion point) own their lines outright.

    ``a(); b()`` on one line, or ``if x: y()``, cannot be cut into whole lines.
    """
    if region.old and not _owns_lines(region.old, old):
        return False
    if region.new:
        return _owns_lines(region.new, new)
    statements, at = region.new_block.statements, region.j1
    if at > 0:
        return _ends_line(statements[at - 1], new)
    return _starts_line(statements[0], new)


def _owns_lines(statements: Sequence[ast.stmt], source: SourceText) -> bool:
    return _starts_line(statements[0], source) and _ends_line(statements[-1], source)


def _starts_line(stmt: ast.stmt, source: SourceText) -> bool:
    if first_line(stmt) < stmt.lineno:
        return True  # a decorator always starts its line
    before = source.line(stmt.lineno)[:source.column(stmt.lineno, stmt.col_offset)]
    return not before.strip(" \t\f")


def _ends_line(stmt: ast.stmt, source: SourceText) -> bool:
    end = stmt.end_lineno or stmt.lineno
    after = source.line(end)[source.column(end, stmt.end_col_offset or 0):]
    after = after.lstrip(" \t\f;")
    return not after or after.startswith("#")
