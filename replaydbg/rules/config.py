"""Settings of the rules: ``[tool.replaydbg]`` in pyproject.toml, overridable by an editor.

A bad setting never stops the analysis: it is reported as a message and replaced by its
default, so that one typo in pyproject.toml does not silence every diagnostic.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields, replace
from pathlib import Path, PurePath
from typing import Any

from replaydbg.rules.catalog import RULES
from replaydbg.tooltable import REPLAY_KEYS, parse_toml


@dataclass(frozen=True)
class Config:
    """What to check; every field has a default that checks everything."""

    #: Codes or code prefixes to report (``"RDB1"`` selects the whole family).
    select: tuple[str, ...] = ("RDB",)
    #: Codes or code prefixes never to report; wins over ``select``.
    ignore: tuple[str, ...] = ()
    #: Qualified names (``pkg.mod.func``, or ``pkg.mod.*``) to treat as non-deterministic,
    #: like workflowcheck's ``decls``; reported as RDB120.
    extra_nondeterministic: tuple[str, ...] = ()
    #: Qualified names (or ``prefix.*``) known to be safe: never reported, never descended into.
    known_safe: tuple[str, ...] = ()
    #: Glob patterns of workspace-relative paths to skip (``tests/*``, ``build/**``).
    exclude: tuple[str, ...] = ()

    def enabled(self, code: str) -> bool:
        """Whether findings with this code are reported."""
        if any(code.startswith(p) for p in self.ignore):
            return False
        return any(code.startswith(p) for p in self.select)

    def excluded(self, relative: PurePath) -> bool:
        """Whether a workspace-relative path matches one of the ``exclude`` patterns."""
        text = relative.as_posix()
        return any(fnmatch.fnmatch(text, p) or fnmatch.fnmatch(text, p.rstrip("/") + "/*")
                   for p in self.exclude)

    def merged(self, overrides: Mapping[str, object]) -> tuple[Config, list[str]]:
        """A copy with editor settings (camelCase keys) applied; bad ones are reported."""
        return _apply(self, overrides, _EDITOR_KEYS, "editor setting")


def _codes(value: object) -> tuple[str, ...]:
    items = _strings(value)
    known = tuple(RULES)
    bad = [c for c in items if not any(k.startswith(c) for k in known)]
    if bad:
        raise ValueError(f"unknown rule code(s) {', '.join(bad)}")
    return items


def _strings(value: object) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
        raise ValueError("expected a list of strings")
    return tuple(v.strip() for v in value)


_PARSERS: dict[str, Callable[[object], tuple[str, ...]]] = {
    "select": _codes, "ignore": _codes, "extra_nondeterministic": _strings,
    "known_safe": _strings, "exclude": _strings,
}
_EDITOR_KEYS = {"select": "select", "ignore": "ignore",
                "extraNondeterministic": "extra_nondeterministic",
                "knownSafe": "known_safe", "exclude": "exclude"}
_PYPROJECT = "[tool.replaydbg] key"
_PYPROJECT_KEYS = {name.replace("_", "-"): name for name in _PARSERS} | {
    name: name for name in _PARSERS}


def _apply(base: Config, values: Mapping[str, object], keys: Mapping[str, str],
           where: str) -> tuple[Config, list[str]]:
    """Apply known keys one by one; a bad value keeps the default and yields a message."""
    changes: dict[str, Any] = {}
    problems: list[str] = []
    defaults: dict[str, tuple[str, ...]] = {f.name: getattr(Config(), f.name)
                                             for f in fields(Config)}
    for key, value in values.items():
        name = keys.get(key)
        if name is None and where == _PYPROJECT and key.replace("-", "_") in REPLAY_KEYS:
            continue  # the replays' key: theirs to check
        if name is None:
            problems.append(f"replaydbg: unknown {where} {key!r} ignored "
                            f"(known: {', '.join(sorted(keys))})")
            continue
        try:
            changes[name] = _PARSERS[name](value)
        except ValueError as exc:
            problems.append(f"replaydbg: {where} {key!r}: {exc}; using the default "
                            f"{list(defaults[name])!r}")
            changes[name] = defaults[name]
    return replace(base, **changes), problems


def load_config(root: Path) -> tuple[Config, list[str]]:
    """Read ``[tool.replaydbg]`` from ``root/pyproject.toml``; defaults when absent."""
    path = root / "pyproject.toml"
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return Config(), []
    try:
        document = parse_toml(text)
    except ValueError as exc:  # tomllib.TOMLDecodeError is a ValueError
        return Config(), [f"replaydbg: {path} is not valid TOML ({exc}); using defaults"]
    section = document.get("tool", {}).get("replaydbg", {})
    if not isinstance(section, dict):
        return Config(), [f"replaydbg: [tool.replaydbg] in {path} is not a table; using defaults"]
    return _apply(Config(), section, _PYPROJECT_KEYS, _PYPROJECT)

