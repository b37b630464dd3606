"""The project's replay settings: the ``[tool.replaydbg]`` table of its pyproject.toml.

The table is found by walking up from the working directory (or a launch's ``cwd``) to the
nearest pyproject.toml that has a ``[tool.replaydbg]`` table, as ruff finds ``[tool.ruff]``:
a package's own pyproject.toml without the table does not hide the workspace's. Paths and
specs in it are relative to that file's folder, wherever the replay runs from.

Unlike the rules (a bad setting there falls back to its default so the linter keeps going),
a wrong setup here would replay with something other than the worker's setup, and every
verdict would be wrong: any bad value is a :class:`ConfigError` naming the file, the key and
the fix.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from replaydbg.errors import ConfigError
from replaydbg.project.recent import RecentHistories, parse_recent
from replaydbg.project.specs import SetupSpecs
from replaydbg.tooltable import REPLAY_KEYS, RULE_KEYS, find_pyproject, find_table, key_name

__all__ = ["ProjectConfig", "find_pyproject", "load_project"]

#: ``package.module:attribute`` or ``path/to/file.py:attribute``.
_SPEC = re.compile(r"^(?:[A-Za-z_][\w.]*|[^:]+\.py):[A-Za-z_][\w.]*$")
_MODULE = re.compile(r"^[A-Za-z_]\w*(\.[A-Za-z_]\w*)*$")


@dataclass(frozen=True)
class ProjectConfig:
    """What ``[tool.replaydbg]`` says about replays; empty when there is no such table."""

    #: The pyproject.toml read, None when none was found.
    path: Path | None = None
    workflows: tuple[str, ...] = ()
    setup: SetupSpecs = SetupSpecs()
    histories: tuple[str, ...] = ()
    profile: str | None = None
    #: What ``replaydbg history pull`` fetches, and where it keeps it (None: nothing).
    recent: RecentHistories | None = None

    @property
    def replayed_folders(self) -> tuple[str, ...]:
        """The saved folders, then the folder recent histories are pulled into (if any)."""
        if self.recent is None:
            return self.histories
        return (*self.histories, str(self.recent.folder))

    @property
    def root(self) -> Path | None:
        """The project's folder: paths and specs in the table are relative to it."""
        return None if self.path is None else self.path.parent

    def merged_setup(self, given: SetupSpecs, *, sandbox: bool | None) -> SetupSpecs:
        """The table's setup with what a command line or launch gives: lists add, scalars replace.

        ``sandbox`` is None when not given (the table's value, or on, stands).
        """
        mine = self.setup
        return SetupSpecs(
            _added(mine.plugins, given.plugins), _added(mine.interceptors, given.interceptors),
            given.data_converter or mine.data_converter,
            _added(mine.failure_types, given.failure_types),
            _added(mine.passthrough, given.passthrough),
            mine.sandbox if sandbox is None else sandbox,
            _added(mine.import_paths, given.import_paths), {**mine.origins, **given.origins})


def _added(first: tuple[str, ...], then: tuple[str, ...]) -> tuple[str, ...]:
    """Both, in order, each once (a plugin named twice would be applied twice)."""
    return tuple(dict.fromkeys((*first, *then)))


def load_project(start: str | Path) -> ProjectConfig:
    """The replay settings of the project around ``start`` (empty without a table)."""
    found = find_table(start)
    if found is None:
        return ProjectConfig()
    return _project(*found)


def _project(path: Path, table: Mapping[str, Any]) -> ProjectConfig:
    values: dict[str, Any] = {}
    for key, value in table.items():
        name = key_name(key)
        if name in RULE_KEYS:
            continue  # the rules' key: theirs to check
        if name not in REPLAY_KEYS:
            known = ", ".join((*REPLAY_KEYS, *RULE_KEYS))
            raise ConfigError(f"{path}: unknown key {key!r} in [tool.replaydbg]",
                              hint=f"remove it or fix its spelling; known keys: {known}")
        values[name] = _PARSERS[name](_Key(path, key), value)
    return _build(path, values)


def _build(path: Path, values: Mapping[str, Any]) -> ProjectConfig:
    root = str(path.parent)
    origins = {spec: f"[tool.replaydbg] {name} in {path}"
               for name in ("plugins", "interceptors", "data_converter",
                            "workflow_failure_exception_types")
               for spec in _as_tuple(values.get(name))}
    setup = SetupSpecs(
        plugins=values.get("plugins", ()), interceptors=values.get("interceptors", ()),
        data_converter=values.get("data_converter"),
        failure_types=values.get("workflow_failure_exception_types", ()),
        passthrough=values.get("passthrough_modules", ()),
        sandbox=values.get("sandbox", True), import_paths=(root,), origins=origins)
    workflows = tuple(_relative_path(path.parent, w) for w in values.get("workflows", ()))
    histories = tuple(str(path.parent / h) for h in values.get("histories", ()))
    return ProjectConfig(path, workflows, setup, histories, values.get("profile"),
                         values.get("recent_histories"))


def _as_tuple(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    return (value,) if isinstance(value, str) else tuple(value)


def _relative_path(root: Path, spec: str) -> str:
    """A spec naming a file or folder of the project (``flows/``, ``a/b.py:C``): made absolute."""
    target, sep, attr = spec.rpartition(":") if ":" in spec else (spec, "", "")
    if target.endswith(".py") or "/" in target or (not sep and (root / target).exists()):
        return f"{root / target}{sep}{attr}"
    return spec


@dataclass(frozen=True)
class _Key:
    """A key of one file, for messages that name both."""

    path: Path
    key: str

    def error(self, problem: str, fix: str) -> ConfigError:
        return ConfigError(f"{self.path}: [tool.replaydbg] {self.key} {problem}", hint=fix)


def _strings(key: _Key, value: Any, example: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise key.error(f"must be a list of strings, not {_toml_type(value)}",
                        f"write it as {key.key} = [{example}]")
    return tuple(v.strip() for v in value)


def _specs(key: _Key, value: Any) -> tuple[str, ...]:
    items = _strings(key, value, '"myapp.worker:thing"')
    return tuple(_checked_spec(key, item) for item in items)


def _checked_spec(key: _Key, item: str) -> str:
    """``item`` if it is MODULE:ATTRIBUTE; a file path in it is made relative to the project."""
    if not _SPEC.match(item):
        raise key.error(f"has {item!r}, which is not MODULE:ATTRIBUTE",
                        "name it as package.module:attribute (or path/to/file.py:attribute, "
                        'relative to pyproject.toml), e.g. "myapp.worker:plugin"')
    return _relative_path(key.path.parent, item)


def _modules(key: _Key, value: Any) -> tuple[str, ...]:
    items = _strings(key, value, '"mylib"')
    for item in items:
        if not _MODULE.match(item):
            raise key.error(f"has {item!r}, which is not a module name",
                            'list importable module names, e.g. ["pydantic", "mylib.models"]')
    return items


def _converter(key: _Key, value: Any) -> str:
    if not isinstance(value, str):
        raise key.error(f"must be a string, not {_toml_type(value)}",
                        f'write it as {key.key} = "myapp.converters:data_converter"')
    return _checked_spec(key, value.strip())


def _text(key: _Key, value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise key.error(f"must be a non-empty string, not {_toml_type(value)}",
                        f'write it as {key.key} = "name"')
    return value.strip()


def _boolean(key: _Key, value: Any) -> bool:
    if not isinstance(value, bool):
        raise key.error(f"must be true or false, not {_toml_type(value)}",
                        f"write it as {key.key} = false (no quotes)")
    return value


def _toml_type(value: object) -> str:
    names = {bool: "a boolean", int: "a number", float: "a number", str: "a string",
             list: "an array", dict: "a table"}
    return f"{names.get(type(value), type(value).__name__)} ({value!r})"


_PARSERS: dict[str, Callable[[_Key, Any], Any]] = {
    "workflows": lambda k, v: _strings(k, v, '"myapp.workflows", "myapp/flows.py"'),
    "plugins": _specs, "interceptors": _specs, "data_converter": _converter,
    "workflow_failure_exception_types": _specs, "passthrough_modules": _modules,
    "sandbox": _boolean, "histories": lambda k, v: _strings(k, v, '"tests/histories"'),
    "profile": _text,
    "recent_histories": lambda k, v: parse_recent(k.path.parent, v, k.error),
}
