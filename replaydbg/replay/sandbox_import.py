"""Which installed package broke the sandbox's import of a workflow module.

The sandbox imports the workflow's module again, with its own module table. Packages with
native code (``cryptography``'s Rust bindings, ``numpy``, ``pydantic_core``…) often cannot be
imported a second time and fail with errors that say nothing of the sandbox ("SystemError:
bad argument to internal function", "cannot load module more than once per process"). A
worker that runs such code passes the package through (``with_passthrough_modules``, a
plugin, or ``workflow.unsafe.imports_passed_through()``), and the replay must be told the
same. The culprit is the innermost frame of the failed import in an installed package.
"""

from __future__ import annotations

import traceback
from dataclasses import dataclass
from pathlib import Path

#: Folders that hold installed packages (pip, Debian).
_INSTALLED = frozenset({"site-packages", "dist-packages"})
#: Packages whose frames are the machinery of the import, not its subject.
_MACHINERY = frozenset({"temporalio", "importlib", "_frozen_importlib",
                        "_frozen_importlib_external", "replaydbg"})


@dataclass(frozen=True)
class ImportCulprit:
    """The installed package whose import failed, and where."""

    package: str
    where: str


def import_culprit(err: BaseException) -> ImportCulprit | None:
    """The installed package ``err`` was raised in (its innermost frame); None if none."""
    found = None
    for frame, line in traceback.walk_tb(err.__traceback__):
        module = str(frame.f_globals.get("__name__") or "")
        package = module.partition(".")[0]
        if not package or package in _MACHINERY:
            continue
        if _INSTALLED.intersection(Path(frame.f_code.co_filename).parts):
            found = ImportCulprit(package, f"{module} line {line}")
    return found
