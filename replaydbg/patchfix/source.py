"""One version of a file as the guard needs it: its tree, its lines and where strings run on.

The guard moves statements by whole lines and re-indents them. A line that starts inside a
multi-line string literal must keep its exact indentation (it is part of the string's value),
so such lines are found once, with the tokenizer, and never touched.
"""

from __future__ import annotations

import ast
import io
import tokenize
from dataclasses import dataclass

from replaydbg.rules.source import char_column, code_lines

_FSTRING_START = getattr(tokenize, "FSTRING_START", -1)  # Python 3.12+
_FSTRING_END = getattr(tokenize, "FSTRING_END", -1)


@dataclass(frozen=True)
class SourceText:
    """A parsed version of a module."""

    text: str
    tree: ast.Module
    #: The lines, without their ends; ``lines[n - 1]`` is line ``n`` of the tree.
    lines: tuple[str, ...]
    #: The line end the file uses, for the lines the guard writes.
    newline: str
    #: 1-based lines that begin inside a multi-line string literal.
    string_lines: frozenset[int]

    def line(self, number: int) -> str:
        """Line ``number`` (1-based), "" past the end."""
        return self.lines[number - 1] if 0 < number <= len(self.lines) else ""

    def indent(self, number: int) -> str:
        """The leading whitespace of line ``number``."""
        text = self.line(number)
        return text[:len(text) - len(text.lstrip(" \t\f"))]

    def column(self, number: int, byte_offset: int) -> int:
        """The character column of an ``ast`` byte offset on line ``number``."""
        return char_column(self.line(number), byte_offset)


def parse_source(text: str) -> SourceText:
    """Parse ``text``; raises :class:`SyntaxError` (with a line when known) if it does not."""
    try:
        tree = ast.parse(text)
    except (ValueError, RecursionError, MemoryError) as exc:  # null bytes, absurd nesting
        raise SyntaxError(str(exc)) from exc
    ended = code_lines(text)
    lines = tuple(line.rstrip("\r\n") for line in ended)
    return SourceText(text, tree, lines, _newline(ended), _string_lines(lines))


def _newline(lines: list[str]) -> str:
    for line in lines:
        if line.endswith("\r\n"):
            return "\r\n"
        if line.endswith(("\n", "\r")):
            return line[-1]
    return "\n"


def _string_lines(lines: tuple[str, ...]) -> frozenset[int]:
    found: set[int] = set()
    fstrings: list[int] = []
    # Lines fed with "\n" ends so that the tokenizer counts rows as ast does (\r ends too).
    readline = io.StringIO("".join(line + "\n" for line in lines)).readline
    try:
        for token in tokenize.generate_tokens(readline):
            if token.type == tokenize.STRING:
                found.update(range(token.start[0] + 1, token.end[0] + 1))
            elif token.type == _FSTRING_START:
                fstrings.append(token.start[0])
            elif token.type == _FSTRING_END and fstrings:
                found.update(range(fstrings.pop() + 1, token.end[0] + 1))
    except (tokenize.TokenError, SyntaxError):
        pass  # it parsed, so this is a tokenizer corner case: protect what was found
    return frozenset(found)
