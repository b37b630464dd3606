"""What the determinism rules report: findings with spans, call chains and fixes.

This is the contract between the rules (pure AST analysis) and their front ends (the
``replaydbg check`` command and the language server). Positions are 1-based lines and
0-based columns counted in characters, like Python's ``ast`` (``col_offset`` is in UTF-8
bytes there: the analysis converts), so that LSP clients get what they expect after the
usual line-1 shift.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path


class Severity(str, Enum):
    """How bad a finding is; maps onto LSP DiagnosticSeverity and SARIF levels."""

    ERROR = "error"
    WARNING = "warning"
    INFORMATION = "information"


@dataclass(frozen=True, order=True)
class Position:
    """A place in a file: 1-based line, 0-based column in characters."""

    line: int
    column: int


@dataclass(frozen=True)
class Span:
    """A half-open range of text in one file."""

    start: Position
    end: Position


@dataclass(frozen=True)
class ChainStep:
    """One step of the call chain that leads from a workflow entry point to a finding."""

    path: Path
    span: Span
    #: What this step is, e.g. ``OrderWorkflow.run`` or ``pricing.total``.
    label: str


@dataclass(frozen=True)
class TextEdit:
    """Replace ``span`` in ``path`` with ``new_text`` (an insertion when the span is empty)."""

    path: Path
    span: Span
    new_text: str


@dataclass(frozen=True)
class Fix:
    """A mechanical fix: all its edits are applied together."""

    title: str
    edits: tuple[TextEdit, ...]


@dataclass(frozen=True)
class Finding:
    """One determinism problem (or escape hatch) at one place in the user's code."""

    #: Stable rule code, e.g. ``RDB101``; documented at :attr:`doc_url`.
    code: str
    message: str
    severity: Severity
    path: Path
    span: Span
    #: From the workflow entry point to the offending call (empty when found directly in it).
    chain: tuple[ChainStep, ...] = ()
    fixes: tuple[Fix, ...] = ()
    doc_url: str = ""
    #: Extra machine-readable data for front ends (e.g. the rule's category).
    data: dict[str, str] = field(default_factory=dict, compare=False, hash=False)
