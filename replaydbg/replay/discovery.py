"""Find the workflow class to replay a history with.

Users name it the way they run it (``package.module:Class`` or ``path/to/file.py:Class``), or
name modules, files or directories to scan for the ``@workflow.defn`` whose *workflow type
name* matches the history's (the working directory when they name none). A scan imports only
files that define a workflow (see workflowfiles), and a module that fails to import is skipped
as long as the workflow is found elsewhere: a real repository has modules that need packages
this environment lacks, or test fixtures that raise on purpose. What the user named outright
is never skipped: its import error is shown with the full traceback.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

from temporalio import workflow

from replaydbg.errors import WorkflowDiscoveryError
from replaydbg.replay.source import defining_file
from replaydbg.replay.userimport import (
    ImportFailure,
    UserImportError,
    UserModules,
    display_path,
    ensure_import_path,
    import_user_module,
    importable_from_cwd,
    module_name_for,
)
from replaydbg.replay.workflowfiles import workflow_files

__all__ = ["DYNAMIC", "Discovery", "WorkflowCandidate", "discover", "ensure_import_path",
           "find_workflow", "handles", "import_user_module", "module_name_for", "user_roots",
           "workflow_name"]

_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class WorkflowCandidate:
    """A ``@workflow.defn`` class found while scanning."""

    cls: type
    name: str
    #: The ``--workflow`` spec that selects this class from the working directory.
    spec: str = ""

    @property
    def qualified(self) -> str:
        """``module:Class`` (or ``file.py:Class``), the form ``--workflow`` accepts."""
        return self.spec or f"{self.cls.__module__}:{self.cls.__qualname__}"


#: The "type" of a dynamic workflow (``@workflow.defn(dynamic=True)``): a worker runs it for
#: every workflow type it has no other workflow for, and so does a replay.
DYNAMIC = "<dynamic>"


def workflow_name(cls: type) -> str | None:
    """The workflow type of a ``@workflow.defn`` class, None for other classes.

    A dynamic workflow's is :data:`DYNAMIC`.
    """
    defn = workflow._Definition.from_class(cls)
    if defn is None:
        return None
    return defn.name or DYNAMIC


def handles(name: str, workflow_type: str) -> bool:
    """Whether a workflow of type ``name`` (or dynamic) runs histories of ``workflow_type``."""
    return name in (workflow_type, DYNAMIC)


def user_roots(specs: Sequence[str]) -> tuple[str, ...]:
    """The workflow specs that are paths: their code is the user's wherever it lives."""
    paths = (_path_part(spec) for spec in specs)
    return tuple(str(Path(path).resolve()) for path in paths if Path(path).exists())


def find_workflow(specs: Sequence[str], workflow_type: str) -> WorkflowCandidate:
    """The class for ``workflow_type`` from ``specs`` (or the working directory when empty).

    Classes named outright come first; the modules, files and folders among ``specs`` are
    scanned when none of them is of that type (a batch of histories of several types, with
    one class pinned among workflows found by a scan).
    """
    ensure_import_path()
    explicit = [split for split in map(_class_spec, specs) if split is not None]
    if explicit:
        scanned = [spec for spec in specs if _class_spec(spec) is None]
        candidates = _load_explicit(explicit)
        # As a worker routes: the workflow of that type, else a dynamic one.
        for candidate in sorted(candidates, key=lambda c: c.name == DYNAMIC):
            if handles(candidate.name, workflow_type):
                return candidate
        if not scanned:
            raise _no_explicit_match(candidates, workflow_type)
        specs = scanned
    where = ", ".join(specs) if specs else f"the working directory {os.getcwd()}"
    found = discover(specs, workflow_type)
    if not found.matching(workflow_type):
        found.scan(specs, None)  # import every workflow file, to say what there is
    return found.choose(workflow_type, where)


def discover(specs: Sequence[str], workflow_type: str | None = None) -> Discovery:
    """Scan what ``specs`` name (the working directory when empty) for workflow classes.

    With ``workflow_type``, only files that can define that type are imported (see
    workflowfiles): a search for one workflow runs as little of the user's code as it can.
    """
    ensure_import_path()
    found = Discovery()
    found.scan(specs, workflow_type)
    return found


def _path_part(spec: str) -> str:
    split = _class_spec(spec)
    return split[0] if split else spec


def _class_spec(spec: str) -> tuple[str, str] | None:
    """``(module or file, Class)`` for ``module:Class`` / ``file.py:Class``, else None."""
    if os.path.exists(spec):
        return None
    target, sep, attr = spec.rpartition(":")
    if not sep or not target or not all(part.isidentifier() for part in attr.split(".")):
        return None
    return target, attr


def _looks_like_path(target: str) -> bool:
    return target.endswith(".py") or "/" in target or os.sep in target


def _load_explicit(specs: Sequence[tuple[str, str]]) -> list[WorkflowCandidate]:
    modules = UserModules()
    return [_load_spec(modules, target, attr) for target, attr in specs]


def _no_explicit_match(candidates: Sequence[WorkflowCandidate],
                       workflow_type: str) -> WorkflowDiscoveryError:
    if len(candidates) == 1:
        only = candidates[0]
        return WorkflowDiscoveryError(
            f"{only.qualified} is workflow type {only.name!r}, but the history is of type "
            f"{workflow_type!r}",
            hint="replay the history with the workflow class that recorded it",
        )
    names = ", ".join(f"{c.qualified} ({c.name!r})" for c in candidates)
    return WorkflowDiscoveryError(f"none of {names} is workflow type {workflow_type!r}")


def _load_spec(modules: UserModules, target: str, attr: str) -> WorkflowCandidate:
    if _looks_like_path(target):
        if not Path(target).is_file():
            raise WorkflowDiscoveryError(f"{target}: no such file",
                                         hint="give a .py file that exists, then :Class")
        module = modules.load_file(Path(target))
    else:
        module = modules.load_name(target)
    obj: object = module
    for part in attr.split("."):
        obj = getattr(obj, part, None)
        if obj is None:
            found = ", ".join(c.qualified for c in _workflows_in(module)) or "none"
            raise WorkflowDiscoveryError(
                f"module {target!r} has no attribute {attr!r}; workflows in it: {found}")
    name = workflow_name(obj) if isinstance(obj, type) else None
    if not isinstance(obj, type) or name is None:
        raise WorkflowDiscoveryError(f"{target}:{attr} is not a @workflow.defn class")
    return _candidate(obj, name)


@dataclass
class Discovery:
    """The candidates and the skipped modules of one discovery."""

    modules: UserModules = field(default_factory=UserModules)
    #: One candidate per class, keyed by (defining file, qualified name): the same file
    #: imported under two names before discovery ran still gives one candidate.
    found: dict[tuple[str, str], WorkflowCandidate] = field(default_factory=dict)
    failures: list[ImportFailure] = field(default_factory=list)

    #: Files whose import failed: not tried again by a wider scan (their code ran once).
    failed: set[Path] = field(default_factory=set)

    def scan(self, specs: Sequence[str], workflow_type: str | None) -> None:
        """Add what ``specs`` name (the working directory when empty) can define."""
        for spec in specs or [os.getcwd()]:
            self._spec(spec, workflow_type)

    def _spec(self, spec: str, workflow_type: str | None) -> None:
        path = Path(spec)
        if path.is_dir():
            for found in workflow_files(path):
                if found.may_hold(workflow_type):
                    self._try(found.path, None)
        elif path.is_file():
            self._add(self.modules.load_file(path))  # named outright: errors are shown
        elif _looks_like_path(spec):
            raise WorkflowDiscoveryError(f"{spec}: no such file or directory")
        else:
            self._package(spec, workflow_type)

    def _package(self, name: str, workflow_type: str | None) -> None:
        module = self.modules.load_name(name)
        self._add(module)
        for location in getattr(module, "__path__", []):  # a package: scan its modules too
            for found in workflow_files(Path(location)):
                dotted = _dotted(found.path, Path(location))
                # "" is the package's own __init__, added above
                if dotted and found.may_hold(workflow_type):
                    self._try(found.path, f"{name}.{dotted}")

    def _try(self, file: Path, name: str | None) -> None:
        if file in self.failed:
            return
        try:
            module = self.modules.load_name(name, file) if name else self.modules.load_file(file)
        except WorkflowDiscoveryError as err:
            first = (err.first_line if isinstance(err, UserImportError)
                     else err.message.splitlines()[0])
            self.failures.append(ImportFailure(display_path(file), first))
            self.failed.add(file)
            return
        self._add(module)

    def _add(self, module: ModuleType) -> None:
        for candidate in _workflows_in(module):
            file = getattr(module, "__file__", None)
            key = (os.path.realpath(file) if file else module.__name__,
                   candidate.cls.__qualname__)
            known = self.found.get(key)
            if known is None or len(candidate.qualified) < len(known.qualified):
                self.found[key] = candidate

    @property
    def candidates(self) -> list[WorkflowCandidate]:
        """Every workflow class found, once each."""
        return list(self.found.values())

    def matching(self, workflow_type: str) -> list[WorkflowCandidate]:
        """The candidates of ``workflow_type``; the dynamic ones when none is of that type."""
        named = [c for c in self.found.values() if c.name == workflow_type]
        return named or [c for c in self.found.values() if c.name == DYNAMIC]

    def choose(self, workflow_type: str, where: str) -> WorkflowCandidate:
        """The one candidate of ``workflow_type``, else an error that lists what was found."""
        candidates = self.candidates
        matching = self.matching(workflow_type)
        outside_tests = [c for c in matching if not _in_tests(c)]
        if outside_tests and len(outside_tests) < len(matching):
            # A test that stands in a mock for a workflow gives it the real one's type; the
            # history was made by the real one.
            for mock in matching:
                if mock not in outside_tests:
                    _log.info("set aside %s: it is in a test module", mock.qualified)
            matching = outside_tests
        if len(matching) == 1:
            for failure in self.failures:
                _log.info("skipped %s", failure)
            return matching[0]
        if matching:
            several = "\n".join(f"    {c.qualified}" for c in matching)
            which = ("several dynamic workflows could run type" if matching[0].name == DYNAMIC
                     else "several workflows have type")
            raise WorkflowDiscoveryError(
                f"{which} {workflow_type!r}:\n{several}",
                hint="choose one with --workflow package.module:Class (as listed above)")
        raise self._none_matching(workflow_type, where, candidates)

    def _none_matching(self, workflow_type: str, where: str,
                       candidates: list[WorkflowCandidate]) -> WorkflowDiscoveryError:
        listed = "\n".join(f"    {c.qualified} (workflow type {c.name!r})" for c in candidates)
        text = f"no workflow with type {workflow_type!r} in {where}\n" + (
            f"  found these workflows:\n{listed}" if candidates else "  found no @workflow.defn")
        hint = "pass --workflow path/to/file.py:Class (or package.module:Class), or a " \
               "module/file/directory to scan"
        if self.failures:
            skipped = "\n".join(f"    {failure}"
                                for failure in sorted(self.failures, key=lambda f: f.where))
            text += f"\nthese modules failed to import and were skipped:\n{skipped}"
            hint = ("if the workflow is in a module that failed, fix its import; --workflow "
                    "path/to/file.py:Class shows its full traceback. Otherwise " + hint)
        return WorkflowDiscoveryError(text, hint=hint)


def _in_tests(candidate: WorkflowCandidate) -> bool:
    """Whether the class is defined where pytest looks for tests (tests/, test_*.py, *_test.py).

    A mocked workflow in a test module often shares the real workflow's type name.
    """
    file = defining_file(candidate.cls)
    if not file:
        return False
    path = Path(file).resolve()
    with contextlib.suppress(ValueError):  # the folders above the project say nothing
        path = path.relative_to(Path.cwd().resolve())
    name = path.name
    return (name.startswith("test_") or name.endswith("_test.py") or name == "conftest.py"
            or any(part in ("tests", "test") for part in path.parent.parts))


def _dotted(file: Path, root: Path) -> str:
    parts = list(file.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _workflows_in(module: ModuleType) -> list[WorkflowCandidate]:
    found = []
    for value in vars(module).values():
        if isinstance(value, type) and value.__module__ == module.__name__:
            name = workflow_name(value)
            if name is not None:
                found.append(_candidate(value, name))
    return found


def _candidate(cls: type, name: str) -> WorkflowCandidate:
    """The candidate with the spec that works from the working directory.

    The shortest importable module name wins (a package's ``__init__`` that re-exports the
    class beats the module defining it); when that name only imports because discovery put
    a directory on ``sys.path``, the file path is what the user must type instead.
    """
    module = sys.modules[cls.__module__]
    qualname = cls.__qualname__
    if not importable_from_cwd(module) and getattr(module, "__file__", None):
        return WorkflowCandidate(cls, name, f"{display_path(str(module.__file__))}:{qualname}")
    names = [module.__name__]
    if "." not in qualname:
        parts = module.__name__.split(".")
        names += [parent for parent in (".".join(parts[:n]) for n in range(1, len(parts)))
                  if getattr(sys.modules.get(parent), qualname, None) is cls]
    return WorkflowCandidate(cls, name, f"{min(names, key=len)}:{qualname}")
