"""Writing the guarded statements: the user's own lines, one level deeper, under the ``if``.

Statements are copied line by line, never unparsed, so comments, blank lines and formatting
survive. Only indentation changes: the block's indentation plus one unit of the file's own
style (four spaces, two, a tab...). The committed lines are re-indented from the committed
file's style to the current one, so a file that moved from tabs to spaces stays consistent.
Lines that begin inside a multi-line string keep their text exactly: it is the string's value.
"""

from __future__ import annotations

import ast
from collections.abc import Sequence
from dataclasses import dataclass

from replaydbg.patchfix.blocks import Block, Region
from replaydbg.patchfix.locate import first_line
from replaydbg.patchfix.source import SourceText


@dataclass(frozen=True)
class Indentation:
    """A block's indentation and the unit one level adds, in one version of the file."""

    block: str
    unit: str

    @classmethod
    def of(cls, block: Block, source: SourceText) -> Indentation:
        """Read from the block's first statement and the line that owns the block."""
        indent = source.indent(first_line(block.statements[0]))
        owner = source.indent(block.owner_line)
        if indent.startswith(owner) and len(indent) > len(owner):
            return cls(indent, indent[len(owner):])
        return cls(indent, "\t" if "\t" in indent else "    ")


def guarded_lines(region: Region, old: SourceText, new: SourceText, condition: str) -> list[str]:
    """The lines that replace the region: ``if condition:``, the new lines, ``else:``, the old.

    ``condition`` is the ``patched(...)`` call. With no new statements (a removal) the lines
    are ``if not condition:`` and the old ones; with no old statements (an addition) there is
    no ``else``.
    """
    to = Indentation.of(region.new_block, new)
    from_old = Indentation.of(region.old_block, old)
    if not region.new:
        return [f"{to.block}if not {condition}:",
                *_moved(region.old, old, from_old, to)]
    lines = [f"{to.block}if {condition}:", *_moved(region.new, new, to, to)]
    if region.old:
        lines += [f"{to.block}else:", *_moved(region.old, old, from_old, to)]
    return lines


def _moved(statements: Sequence[ast.stmt], source: SourceText, start: Indentation,
           to: Indentation) -> list[str]:
    """The statements' lines, re-indented from ``start`` to one level below ``to``."""
    first, last = first_line(statements[0]), statements[-1].end_lineno or statements[-1].lineno
    return [source.line(n) if n in source.string_lines else _reindent(source.line(n), start, to)
            for n in range(first, last + 1)]


def _reindent(line: str, start: Indentation, to: Indentation) -> str:
    if not line.strip() or not line.startswith(start.block):
        # Blank lines, and continuation lines left of the block (inside brackets, where
        # indentation means nothing), are kept as they are.
        return line
    rest = line[len(start.block):]
    levels = 0
    while start.unit and rest.startswith(start.unit):
        rest = rest[len(start.unit):]
        levels += 1
    return to.block + to.unit * (levels + 1) + rest
