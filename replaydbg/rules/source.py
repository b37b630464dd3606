"""Splitting a module into top-level chunks and parsing each on its own.

Why chunks: an edit in a 5,000-line module touches one top-level statement; parsing only that
statement again (the rest comes from a cache keyed by text) keeps re-analysis within an
editor's keystroke budget. It also isolates a half-typed statement: the chunks around it
still parse and keep their diagnostics. A chunk that does not parse is repaired by blanking
the lines the parser complains about, a few times, before it is given up.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

_CONTINUATION = ("else", "elif", "except", "finally")
_CLOSERS = (")", "]", "}", "#")
_TRIPLE = re.compile(r'"""|\'\'\'')
_MAX_REPAIRS = 20
_TOO_DEEP = ("an expression is nested too deeply for Python to compile "
             "(split it into smaller expressions)")
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")


@dataclass(frozen=True)
class Chunk:
    """Consecutive top-level lines that form whole statements (if they parse)."""

    #: 0-based index of the chunk's first line in the file.
    first_line: int
    text: str


@dataclass(frozen=True)
class ParsedChunk:
    """A chunk's statements (line numbers relative to the chunk) and what went wrong."""

    tree: ast.Module
    #: (1-based line relative to the chunk, column, message) of the first syntax error.
    error: tuple[int, int, str] | None


def code_lines(text: str, *, keepends: bool = True) -> list[str]:
    r"""The lines of ``text`` as Python and LSP count them: ended by \n, \r\n or \r only.

    ``str.splitlines`` also splits at form feeds, vertical tabs, \x1c-\x1e and \u2028,
    which are ordinary whitespace inside a Python line; counting them would shift every
    position after them.
    """
    lines = _LINE.findall(text)
    return lines if keepends else [line.rstrip("\r\n") for line in lines]


def split_chunks(text: str) -> list[Chunk]:
    """Cut ``text`` before every line that starts a new top-level statement."""
    lines = code_lines(text)
    starts = _boundaries(lines)
    if not starts or starts[0] != 0:
        starts.insert(0, 0)
    ends = starts[1:] + [len(lines)]
    return [Chunk(s, "".join(lines[s:e])) for s, e in zip(starts, ends, strict=False) if e > s]


def _boundaries(lines: list[str]) -> list[int]:
    result: list[int] = []
    in_string: str | None = None
    in_decorator = False
    # Runs over every line on every keystroke: the cheap tests come first, inline (most
    # lines are indented and hold no triple quote).
    for index, line in enumerate(lines):
        if in_string is None and line[0] not in " \t" and _starts_statement(line):
            if not in_decorator:
                result.append(index)
            in_decorator = line.startswith("@")
        if '"""' in line or "'''" in line:
            in_string = _string_state(line, in_string)
    return result


def _starts_statement(line: str) -> bool:
    if not line or line[0] in " \t\r\n" or line.startswith(_CLOSERS):
        return False
    words = line.split(None, 1)
    # A line of other whitespace only (a form feed...) starts nothing.
    return bool(words) and words[0].rstrip(":") not in _CONTINUATION


def _string_state(line: str, state: str | None) -> str | None:
    """Track whether a triple-quoted string is still open after ``line``."""
    if "'''" not in line and '"""' not in line:
        return state
    for match in _TRIPLE.finditer(line):
        quote = match.group()
        if state is None:
            state = quote
        elif state == quote:
            state = None
    return state


def parse_text(text: str, *, repair: bool = True) -> ParsedChunk:
    """Parse ``text``; on a syntax error blank the offending lines until it parses."""
    lines: list[str] | None = None
    first: tuple[int, int, str] | None = None
    for _ in range(_MAX_REPAIRS + 1):
        try:
            return ParsedChunk(ast.parse(text if lines is None else "".join(lines)), first)
        except (SyntaxError, ValueError) as exc:
            error = _describe(exc)
        except (RecursionError, MemoryError):
            # e.g. 20,000 chained `1+`: CPython parses it but cannot build (or compile) the
            # tree. Python itself refuses to run it, so it is this chunk's error, not ours.
            return ParsedChunk(ast.Module(body=[], type_ignores=[]), (1, 0, _TOO_DEEP))
        first = first or error
        if not repair:
            break
        lines = lines or code_lines(text)
        target = _error_line(lines, error[0])
        if target is None:
            break
        lines[target] = "\n"
    return ParsedChunk(ast.Module(body=[], type_ignores=[]), first)


def _describe(exc: BaseException) -> tuple[int, int, str]:
    line = getattr(exc, "lineno", None) or 1
    column = max((getattr(exc, "offset", None) or 1) - 1, 0)
    message = getattr(exc, "msg", None) or str(exc)
    return line, column, message


def _error_line(lines: list[str], error_line: int) -> int | None:
    """The line to blank: the one the parser names, else the last non-empty one before it."""
    line = error_line - 1
    # Not str.strip(): a line of a stray form feed or U+2028 is what the parser complains of.
    if 0 <= line < len(lines) and lines[line].strip(" \t\r\n"):
        return line
    # The parser points past the end (an unclosed bracket): blank the last non-empty line.
    for candidate in range(min(line, len(lines) - 1), -1, -1):
        if lines[candidate].strip():
            return candidate
    return None


def char_column(line_text: str, byte_offset: int) -> int:
    """Convert the ``ast`` UTF-8 byte column into a character column."""
    if line_text.isascii():
        return byte_offset
    return len(line_text.encode("utf-8")[:byte_offset].decode("utf-8", errors="ignore"))
