"""Editor settings of the language server: one defaulted dataclass read from camelCase JSON.

Settings arrive as ``initializationOptions`` and, when the client supports it, as the
``replaydbg`` section of ``workspace/configuration``. A setting with a wrong type or value
never stops the server: it is reported (the problems are shown with ``window/showMessage``)
and replaced by its default, so that one typo costs one setting, not all diagnostics.

The rule settings (:data:`RULE_KEYS`) mean the same as the keys of ``[tool.replaydbg]``
in pyproject.toml and override them; left unset, pyproject decides.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

#: Settings handed to the rules' ``Config.merged`` as they are: it validates them (codes
#: included) exactly as it does ``[tool.replaydbg]``, so editor and pyproject cannot disagree.
RULE_KEYS: dict[str, str] = {
    "select": "rule codes or prefixes to report (default: pyproject's, else all)",
    "ignore": "rule codes or prefixes never to report",
    "extraNondeterministic": "dotted callables to treat as non-deterministic",
    "knownSafe": "dotted callables known to be deterministic, never reported",
    "exclude": "glob patterns of workspace paths not to analyse",
}

#: Bounds of ``debounceMs``: past 5 s re-analysis would look broken rather than calm.
DEBOUNCE_BOUNDS = (0, 5000)


@dataclass(frozen=True)
class Settings:
    """What the user can set from the editor; every field has a working default."""

    #: ``false`` turns diagnostics and quick fixes off without uninstalling the server.
    enable: bool = True
    #: Delay between the last keystroke and re-analysis of the typed document.
    debounce_ms: int = 200
    #: ``false``: the project's saved histories are not replayed on save.
    replay_histories: bool = True
    #: The git revision whose version of a file "Guard this change with workflow.patched()"
    #: compares with the editor's (the code the saved histories were recorded with).
    patch_base: str = "HEAD"
    #: The :data:`RULE_KEYS` the user set, camelCase, unvalidated (see there).
    rule_overrides: Mapping[str, object] = field(default_factory=dict)
    #: What could not be used, one sentence each; empty when all was well.
    problems: tuple[str, ...] = field(default=(), compare=False)


def read_settings(*sources: object) -> Settings:
    """Settings from JSON objects, later sources overriding earlier ones key by key.

    A source that is not an object (``null`` from a client without the section) is skipped.
    """
    merged: dict[str, Any] = {}
    for source in sources:
        if isinstance(source, Mapping):
            merged.update(_unwrap(source))
    settings = Settings(rule_overrides={k: v for k, v in merged.items() if k in RULE_KEYS})
    problems: list[str] = []
    for key, raw in merged.items():
        if key not in RULE_KEYS:
            settings, problem = _apply(settings, key, raw)
            problems += [problem] if problem else []
    return replace(settings, problems=tuple(problems))


def _apply(settings: Settings, key: str, raw: object) -> tuple[Settings, str]:
    """``settings`` with ``key`` set to ``raw``, or unchanged and the reason why."""
    parse = _PARSERS.get(key)
    if parse is None:
        known = ", ".join(sorted([*_PARSERS, *RULE_KEYS]))
        return settings, f"unknown setting {key!r} ignored (known: {known})"
    value, problem = parse(raw)
    if problem:
        return settings, f"setting {key!r}: {problem}; using the default"
    return replace(settings, **{_snake(key): value}), ""


def _unwrap(source: Mapping[str, Any]) -> Mapping[str, Any]:
    """Accept ``{"replaydbg": {...}}`` as well as the bare object (clients differ)."""
    inner = source.get("replaydbg")
    return inner if isinstance(inner, Mapping) and len(source) == 1 else source


def _snake(camel: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in camel)


def _bool(raw: object) -> tuple[Any, str]:
    return (raw, "") if isinstance(raw, bool) else (None, "expected true or false")


def _debounce(raw: object) -> tuple[Any, str]:
    low, high = DEBOUNCE_BOUNDS
    if isinstance(raw, int) and not isinstance(raw, bool) and low <= raw <= high:
        return raw, ""
    return None, f"expected a whole number of milliseconds from {low} to {high}"


def _revision(raw: object) -> tuple[Any, str]:
    if isinstance(raw, str) and raw.strip() and not raw.startswith("-"):
        return raw.strip(), ""
    return None, "expected a git revision such as HEAD, main or origin/main"


_PARSERS = {"enable": _bool, "debounceMs": _debounce, "replayHistories": _bool,
            "patchBase": _revision}
