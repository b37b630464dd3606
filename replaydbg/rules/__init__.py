"""Determinism rules for Temporal workflow code: pure AST analysis, no protocols.

Front ends (``replaydbg check``, the language server) use :class:`Workspace`,
:func:`load_config`/:class:`Config` and the findings model; everything else is internal.
"""

from replaydbg.rules.catalog import DOC_BASE, RULES, RuleInfo
from replaydbg.rules.config import Config, load_config
from replaydbg.rules.factcache import FactCache
from replaydbg.rules.model import (
    ChainStep,
    Finding,
    Fix,
    Position,
    Severity,
    Span,
    TextEdit,
)
from replaydbg.rules.workspace import Workspace

__all__ = [
    "DOC_BASE",
    "RULES",
    "ChainStep",
    "Config",
    "FactCache",
    "Finding",
    "Fix",
    "Position",
    "RuleInfo",
    "Severity",
    "Span",
    "TextEdit",
    "Workspace",
    "load_config",
]
