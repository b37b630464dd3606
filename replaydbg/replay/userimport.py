"""Import the user's modules the way Python would, each file once whatever name reaches it.

Imports follow Python's own conventions: the working directory first on ``sys.path`` (as
``python -m`` does), ``PYTHONPATH`` honoured, and a file inside packages imported under its
dotted package name, its package chain's root put on ``sys.path``. A file already imported
under another name (``workflows`` and ``examples.orders.workflows``) is not imported again:
that would run its module-level code twice and define its workflow classes twice.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import sys
import traceback
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from replaydbg.errors import WorkflowDiscoveryError

#: Import roots put on ``sys.path`` for a file's package chain, other than the working
#: directory: a dotted name under one of them does not import from the working directory.
_ADDED_ROOTS: set[str] = set()

_OUR_CODE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_IMPORT_MACHINERY = ("<frozen", _OUR_CODE, os.path.dirname(importlib.__file__))


class UserImportError(WorkflowDiscoveryError):
    """A user module could not be imported; the message says why in full (a traceback)."""

    def __init__(self, message: str, *, first_line: str, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        #: The error in one line (``KeyError: 'zone'``), for lists of skipped modules.
        self.first_line = first_line


@dataclass(frozen=True)
class ImportFailure:
    """A module a scan could not import: where it is and the last line of its error."""

    where: str
    error: str

    def __str__(self) -> str:
        return f"{self.where}: {self.error}"


def ensure_import_path(cwd: str | None = None) -> None:
    """Put the working directory first on ``sys.path``, as ``python -m`` does."""
    root = os.path.abspath(cwd or os.getcwd())
    if root not in sys.path:
        sys.path.insert(0, root)


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
        _ADDED_ROOTS.add(root)
    return ".".join(parts)


def importable_from_cwd(module: ModuleType) -> bool:
    """Whether ``module``'s dotted name imports from the working directory as it is."""
    top = sys.modules.get(module.__name__.partition(".")[0])
    file = getattr(top, "__file__", None)
    if not file:
        return True
    root = Path(file).resolve().parent
    if getattr(top, "__path__", None) is not None:  # a package: its root is one level up
        root = root.parent
    return str(root) not in _ADDED_ROOTS or str(root) == os.path.abspath(os.getcwd())


def display_path(file: str | Path) -> str:
    """``file`` relative to the working directory when it is under it, as users type it."""
    path = Path(file).resolve()
    try:
        return str(path.relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def first_error_line(err: BaseException) -> str:
    """``KeyError: 'zone'``: the error of a skipped module, in one line."""
    text = str(err).strip().splitlines()
    return f"{type(err).__name__}: {text[0]}" if text else type(err).__name__


class UserModules:
    """The user's modules by file, so that each file is imported once (see module doc).

    Built from ``sys.modules`` when a discovery starts and kept up to date as it imports.
    """

    def __init__(self) -> None:
        self._by_file: dict[str, ModuleType] = {}
        self._seen: set[str] = set()
        self._refresh()

    def load_file(self, file: Path) -> ModuleType:
        """The module of ``file``; a WorkflowDiscoveryError with the traceback if it fails."""
        real = os.path.realpath(file)
        module = self._loaded(real)
        if module is not None:
            return module
        name = module_name_for(file)
        holder = _name_holder(name, real)
        if holder is not None:
            clash = f"imports as {name!r}, a name already taken by {holder}"
            raise UserImportError(
                f"{display_path(file)} {clash}", first_line=clash,
                hint=f"replay with --workflow {display_path(file)}:Class in a run of its own")
        return self.load_name(name)

    def load_name(self, name: str, file: Path | None = None) -> ModuleType:
        """The module ``name`` (from ``file``), reusing one imported from the same file."""
        try:
            origin = os.path.realpath(file) if file else _origin(name)
            module = (sys.modules.get(name) or self._loaded(origin)
                      or importlib.import_module(name))
        except ModuleNotFoundError as err:
            if err.name and (name == err.name or name.startswith(err.name + ".")):
                raise WorkflowDiscoveryError(
                    f"cannot import module {name!r}: {err} (sys.path starts with "
                    f"{sys.path[0]!r})", hint=_name_the_file(name)) from err
            raise _import_failed(name, err) from err
        except (Exception, SystemExit) as err:  # the user's module raised while importing
            raise _import_failed(name, err) from err
        self._refresh()
        return module

    def _loaded(self, real_file: str | None) -> ModuleType | None:
        module = self._by_file.get(real_file) if real_file else None
        if module is not None and sys.modules.get(module.__name__) is not module:
            return None  # forgotten since (tests do that): import afresh
        return module

    def _refresh(self) -> None:
        for name, module in list(sys.modules.items()):
            if name in self._seen:
                continue
            self._seen.add(name)
            file = getattr(module, "__file__", None)
            if isinstance(file, str):
                self._by_file.setdefault(os.path.realpath(file), module)


def _name_holder(name: str, real_file: str) -> str | None:
    """Where the module ``name`` (or a package above it) already comes from, if elsewhere.

    Importing ``name`` would then give that other module, or look for the file in that other
    package, instead of importing ``real_file``.
    """
    parts = name.split(".")
    taken = sys.modules.get(name)
    if taken is not None:
        file = getattr(taken, "__file__", None)
        same = bool(file) and os.path.realpath(str(file)) == real_file
        return None if same else display_path(file or name)
    directory = Path(real_file).parent  # where the innermost package must live
    for depth in range(len(parts) - 1, 0, -1):
        package = sys.modules.get(".".join(parts[:depth]))
        init = getattr(package, "__file__", None)
        if package is not None and (
                not init or Path(os.path.realpath(str(init))).parent != directory):
            return display_path(Path(str(init)).parent) if init else ".".join(parts[:depth])
        directory = directory.parent
    return None


def _name_the_file(name: str) -> str:
    """The hint for a module name that does not import from here: the file, if it is near."""
    relative = Path(*name.split(".")).with_suffix(".py")
    near = [Path(relative)] + [d / relative for d in sorted(Path.cwd().iterdir()) if d.is_dir()]
    found = next((file for file in near if file.is_file()), None)
    if found is not None:
        return f"name the file instead: --workflow {display_path(found)}:Class"
    return ("run from your project's root, set PYTHONPATH, or name the file: "
            "--workflow path/to/module.py:Class")


def _origin(name: str) -> str | None:
    """The file ``name`` would import from, found without running it (parents do run)."""
    spec = importlib.util.find_spec(name)
    return os.path.realpath(spec.origin) if spec and spec.origin else None


def import_user_module(name: str) -> ModuleType:
    """Import a user module; its own errors become a readable WorkflowDiscoveryError."""
    return UserModules().load_name(name)


def _import_failed(name: str, err: BaseException) -> UserImportError:
    """The user's traceback: the import machinery's frames and ours are left out."""
    shown = traceback.TracebackException.from_exception(err)
    shown.stack = traceback.StackSummary.from_list(
        [frame for frame in shown.stack if not frame.filename.startswith(_IMPORT_MACHINERY)])
    return UserImportError(
        f"importing {name!r} failed:\n{''.join(shown.format()).rstrip()}",
        first_line=first_error_line(err), hint="fix the error above in your module")
