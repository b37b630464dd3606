"""Determinism rules for Temporal workflow code: pure AST analysis, no protocols."""

from replaydbg.rules.model import (
    ChainStep,
    Finding,
    Fix,
    Position,
    Severity,
    Span,
    TextEdit,
)

__all__ = ["ChainStep", "Finding", "Fix", "Position", "Severity", "Span", "TextEdit"]
