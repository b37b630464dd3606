"""Find the workflow class to replay a history with.

Users name it the way they run it (``package.module:Class``), or name modules, files or
directories to scan for the ``@workflow.defn`` whose *workflow type name* matches the
history's. Imports follow Python's own conventions: the working directory first on
``sys.path`` (as ``python -m`` does), ``PYTHONPATH`` honoured, and a file inside packages
imported under its dotted package name.
"""

from __future__ import annotations

import importlib
import os
import sys
import traceback
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from temporalio import workflow

from replaydbg.errors import WorkflowDiscoveryError

_SKIP_DIRS = {".git", ".venv", "venv", "node_modules", "__pycache__", ".tox", ".mypy_cache",
              "build", "dist", "site-packages"}


@dataclass(frozen=True)
class WorkflowCandidate:
    """A ``@workflow.defn`` class found while scanning."""

    cls: type
    name: str

    @property
    def qualified(self) -> str:
        """``module:Class``, the form ``--workflow`` accepts."""
        return f"{self.cls.__module__}:{self.cls.__qualname__}"


def workflow_name(cls: type) -> str | None:
    """The workflow type name of a ``@workflow.defn`` class, None for other classes."""
    defn = workflow._Definition.from_class(cls)
    return defn.name if defn is not None and defn.name else None


def ensure_import_path(cwd: str | None = None) -> None:
    """Put the working directory first on ``sys.path``, as ``python -m`` does."""
    root = os.path.abspath(cwd or os.getcwd())
    if root not in sys.path:
        sys.path.insert(0, root)


def user_roots(specs: Sequence[str]) -> tuple[str, ...]:
    """The workflow specs that are paths: their code is the user's wherever it lives."""
    return tuple(str(Path(spec).resolve()) for spec in specs if Path(spec).exists())


def find_workflow(specs: Sequence[str], workflow_type: str) -> WorkflowCandidate:
    """The class for ``workflow_type`` from ``specs`` (or the working directory when empty)."""
    ensure_import_path()
    explicit = [s for s in specs if ":" in s and not os.path.exists(s)]
    if explicit:
        return _resolve_explicit(explicit, workflow_type)
    candidates = _scan(specs or [os.getcwd()])
    matching = [c for c in candidates if c.name == workflow_type]
    if len(matching) == 1:
        return matching[0]
    listed = "\n".join(f"    {c.qualified} (workflow type {c.name!r})" for c in candidates)
    where = ", ".join(specs) if specs else f"the working directory {os.getcwd()}"
    if not matching:
        found = f"found these workflows:\n{listed}" if candidates else "found no @workflow.defn"
        raise WorkflowDiscoveryError(
            f"no workflow with type {workflow_type!r} in {where}; {found}",
            hint="pass --workflow package.module:Class, or a module/file/directory to scan",
        )
    several = "\n".join(f"    {c.qualified}" for c in matching)
    raise WorkflowDiscoveryError(
        f"several workflows have type {workflow_type!r}:\n{several}",
        hint="choose one with --workflow package.module:Class",
    )


def _resolve_explicit(specs: Sequence[str], workflow_type: str) -> WorkflowCandidate:
    candidates = [_load_spec(spec) for spec in specs]
    for candidate in candidates:
        if candidate.name == workflow_type:
            return candidate
    if len(candidates) == 1:
        only = candidates[0]
        raise WorkflowDiscoveryError(
            f"{only.qualified} is workflow type {only.name!r}, but the history is of type "
            f"{workflow_type!r}",
            hint="replay the history with the workflow class that recorded it",
        )
    names = ", ".join(f"{c.qualified} ({c.name!r})" for c in candidates)
    raise WorkflowDiscoveryError(f"none of {names} is workflow type {workflow_type!r}")


def _load_spec(spec: str) -> WorkflowCandidate:
    module_name, _, attr = spec.partition(":")
    module = import_user_module(module_name)
    obj: object = module
    for part in attr.split("."):
        obj = getattr(obj, part, None)
        if obj is None:
            found = ", ".join(c.qualified for c in _workflows_in(module)) or "none"
            raise WorkflowDiscoveryError(
                f"module {module_name!r} has no attribute {attr!r}; workflows in it: {found}")
    name = workflow_name(obj) if isinstance(obj, type) else None
    if not isinstance(obj, type) or name is None:
        raise WorkflowDiscoveryError(f"{spec} is not a @workflow.defn class")
    return WorkflowCandidate(obj, name)


def import_user_module(name: str) -> ModuleType:
    """Import a user module; its own errors become a readable WorkflowDiscoveryError."""
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as err:
        if err.name and name.startswith(err.name):
            raise WorkflowDiscoveryError(
                f"cannot import module {name!r}: {err} (sys.path starts with {sys.path[0]!r})",
                hint="run from your project's root, or set PYTHONPATH",
            ) from err
        raise _import_failed(name, err) from err
    except Exception as err:  # the user's module raised while importing
        raise _import_failed(name, err) from err


_OUR_CODE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_IMPORT_MACHINERY = ("<frozen", _OUR_CODE, os.path.dirname(importlib.__file__))


def _import_failed(name: str, err: BaseException) -> WorkflowDiscoveryError:
    """The user's traceback: the import machinery's frames and ours are left out."""
    shown = traceback.TracebackException.from_exception(err)
    shown.stack = traceback.StackSummary.from_list(
        [frame for frame in shown.stack if not frame.filename.startswith(_IMPORT_MACHINERY)])
    return WorkflowDiscoveryError(
        f"importing {name!r} failed:\n{''.join(shown.format()).rstrip()}",
        hint="fix the error above in your module",
    )


def _scan(specs: Iterable[str]) -> list[WorkflowCandidate]:
    found: dict[type, WorkflowCandidate] = {}
    for spec in specs:
        for module in _modules_for(spec):
            for candidate in _workflows_in(module):
                found.setdefault(candidate.cls, candidate)
    return list(found.values())


def _modules_for(spec: str) -> Iterable[ModuleType]:
    path = Path(spec)
    if path.is_dir():
        for file in sorted(_python_files(path)):
            yield import_user_module(module_name_for(file))
    elif path.is_file():
        yield import_user_module(module_name_for(path))
    elif path.suffix == ".py" or os.sep in spec:
        raise WorkflowDiscoveryError(f"{spec}: no such file or directory")
    else:
        module = import_user_module(spec)
        yield module
        for location in getattr(module, "__path__", []):  # a package: scan its modules too
            for file in sorted(_python_files(Path(location))):
                dotted = _dotted(file, Path(location))
                if dotted:  # "" is the package's own __init__, yielded above
                    yield import_user_module(f"{spec}.{dotted}")


def _dotted(file: Path, root: Path) -> str:
    parts = list(file.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _python_files(root: Path) -> Iterable[Path]:
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if d not in _SKIP_DIRS and not d.startswith(".")]
        for filename in filenames:
            file = Path(dirpath, filename)
            # Only import files that can define a workflow: importing arbitrary scripts
            # would run them.
            if filename.endswith(".py") and _mentions_workflow(file):
                yield file


def _mentions_workflow(file: Path) -> bool:
    try:
        return "workflow.defn" in file.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False


def module_name_for(file: Path) -> str:
    """Dotted name for a file: its package chain, with the chain's root put on sys.path."""
    file = file.resolve()
    parts = [file.stem]
    directory = file.parent
    while (directory / "__init__.py").exists():
        parts.insert(0, directory.name)
        directory = directory.parent
    root = str(directory)
    if root not in sys.path:
        sys.path.insert(1 if sys.path else 0, root)
    return ".".join(parts)


def _workflows_in(module: ModuleType) -> list[WorkflowCandidate]:
    found = []
    for value in vars(module).values():
        if isinstance(value, type) and value.__module__ == module.__name__:
            name = workflow_name(value)
            if name is not None:
                found.append(WorkflowCandidate(value, name))
    return found
