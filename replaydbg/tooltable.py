"""The ``[tool.replaydbg]`` table of pyproject.toml: its keys, one list for all its readers.

Two readers share the table: the rules (``replaydbg check``, the language server) and the
replays (``replaydbg replay``, a debug launch). Each must know the other's keys, or one
reader calls the other's settings unknown; one list here keeps them from drifting. This
module imports nothing heavy: the language server reads it too.
"""

from __future__ import annotations

import importlib
import sys
from typing import Any

#: Keys the rules read (see ``replaydbg.rules.config``), snake_case.
RULE_KEYS: tuple[str, ...] = (
    "select", "ignore", "extra_nondeterministic", "known_safe", "exclude")

#: Keys the replays read (see ``replaydbg.project.pyproject``), snake_case.
REPLAY_KEYS: tuple[str, ...] = (
    "workflows", "plugins", "interceptors", "data_converter",
    "workflow_failure_exception_types", "passthrough_modules", "sandbox", "histories",
    "profile")


def key_name(key: str) -> str:
    """The snake_case name of a key written in either case (``known-safe`` -> ``known_safe``)."""
    return key.replace("-", "_")


def parse_toml(text: str) -> dict[str, Any]:
    """Parse TOML with tomllib (3.11+) or tomli when installed on 3.10.

    A syntax error is a ``ValueError`` (``tomllib.TOMLDecodeError`` is one).
    """
    if sys.version_info >= (3, 11):
        import tomllib

        return tomllib.loads(text)
    try:  # pragma: no cover - Python 3.10 only
        parsed: dict[str, Any] = importlib.import_module("tomli").loads(text)
    except ModuleNotFoundError as exc:  # pragma: no cover
        raise ValueError("reading pyproject.toml on Python 3.10 needs 'tomli'") from exc
    return parsed  # pragma: no cover
