"""The ``[tool.replaydbg]`` table of pyproject.toml: its keys, one list for all its readers.

Two readers share the table: the rules (``replaydbg check``, the language server) and the
replays (``replaydbg replay``, a debug launch). Each must know the other's keys, or one
reader calls the other's settings unknown; one list here keeps them from drifting. This
module imports nothing heavy: the language server reads it too, and the pytest plugin looks
for the table in every test run of every project (see :func:`find_table`).
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from typing import Any

from replaydbg.errors import ConfigError

#: Keys the rules read (see ``replaydbg.rules.config``), snake_case.
RULE_KEYS: tuple[str, ...] = (
    "select", "ignore", "extra_nondeterministic", "known_safe", "exclude")

#: Keys the replays read (see ``replaydbg.project.pyproject``), snake_case.
REPLAY_KEYS: tuple[str, ...] = (
    "workflows", "plugins", "interceptors", "data_converter",
    "workflow_failure_exception_types", "passthrough_modules", "sandbox", "histories",
    "profile", "recent_histories")


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


def find_table(start: str | Path) -> tuple[Path, dict[str, Any]] | None:
    """The nearest pyproject.toml at or above ``start`` with a ``[tool.replaydbg]`` table.

    Found as ruff finds ``[tool.ruff]``: a package's own pyproject.toml without the table does
    not hide the workspace's. A file that is not valid TOML, or whose ``tool.replaydbg`` is not
    a table, is a :class:`ConfigError` naming it.
    """
    here = Path(start).resolve()
    for folder in (here, *here.parents):
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            table = _table(candidate)
            if table is not None:
                return candidate, table
    return None


def find_pyproject(start: str | Path) -> Path | None:
    """The path of :func:`find_table`'s file, None when there is none."""
    found = find_table(start)
    return None if found is None else found[0]


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError as err:
        raise ConfigError(f"cannot read {path}: {err.strerror}",
                          hint="make it readable") from err


def _table(path: Path) -> dict[str, Any] | None:
    """The ``[tool.replaydbg]`` table of ``path``; None when it has none."""
    try:
        document = parse_toml(_read(path))
    except ValueError as err:
        raise ConfigError(f"{path} is not valid TOML: {err}",
                          hint="fix the syntax (https://toml.io)") from err
    tool = document.get("tool")
    table = tool.get("replaydbg") if isinstance(tool, dict) else None
    if table is None:
        return None
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: tool.replaydbg is not a table",
                          hint="write it as a [tool.replaydbg] section of keys")
    return table
