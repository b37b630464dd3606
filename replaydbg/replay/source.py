"""Which frames are the user's own code, and where they are.

The event map and the stop logic only ever show *user* lines: never temporalio, asyncio,
replaydbg or any other installed library. A frame counts as user code when its file lives
outside the interpreter's library directories and outside the packages we know are plumbing,
or when it lives under a directory the caller declared as the user's (the workflow module's
package root, which may be installed in site-packages).
"""

from __future__ import annotations

import dis
import os
import sys
import sysconfig
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from types import CodeType, FrameType


@dataclass(frozen=True)
class SourceLocation:
    """A line of user code: file, 1-based line number and enclosing function."""

    file: str
    line: int
    function: str

    def short(self, base: str | None = None) -> str:
        """``path:line (function)``, the path relative to ``base`` (default: cwd) if inside."""
        path = self.file
        try:
            path = os.path.relpath(path, base or os.getcwd())
        except ValueError:  # another drive on Windows
            pass
        if path.startswith(".."):
            path = self.file
        return f"{path}:{self.line} ({self.function})"


def _library_dirs() -> tuple[str, ...]:
    paths = sysconfig.get_paths()
    dirs = {paths[key] for key in ("stdlib", "platstdlib", "purelib", "platlib") if key in paths}
    dirs.update(p for p in sys.path if "site-packages" in p or "dist-packages" in p)
    import temporalio  # plumbing packages that may be installed editable or vendored

    import replaydbg

    for module in (temporalio, replaydbg):
        dirs.add(str(Path(module.__file__ or "").parent))
    return tuple(sorted(os.path.join(os.path.realpath(d), "") for d in dirs if d))


class UserCode:
    """Decides whether a code object belongs to the user; answers are cached per file."""

    def __init__(self, user_roots: tuple[str, ...] = (),
                 machinery: frozenset[str] = frozenset()) -> None:
        """``machinery``: files of the worker's own interceptors and plugins.

        They wrap every call into the workflow (an outbound interceptor's ``start_activity``
        issues every activity): counted as user code, they would be named as the line of
        every command and of every resumption (see ``WorkerSetup.machinery_files``).
        """
        self._library = _library_dirs()
        self._user_roots = tuple(os.path.join(os.path.realpath(r), "") for r in user_roots)
        self._machinery = frozenset(os.path.realpath(f) for f in machinery)
        self._cache: dict[str, bool] = {}

    def is_user_file(self, filename: str) -> bool:
        """True when ``filename`` is the user's source (not a library, not generated)."""
        known = self._cache.get(filename)
        if known is None:
            known = self._cache[filename] = self._classify(filename)
        return known

    def _classify(self, filename: str) -> bool:
        if not filename or filename.startswith("<"):
            return False
        real = os.path.realpath(filename)
        if real in self._machinery:
            return False
        if any(real.startswith(root) for root in self._user_roots):
            return True
        return not any(real.startswith(lib) for lib in self._library)

    def innermost_user_frame(
        self, frame: FrameType | None, boundary: FrameType | None = None
    ) -> FrameType | None:
        """The nearest user frame walking outwards from ``frame`` (inclusive).

        The walk stops at ``boundary`` (exclusive): frames outside the workflow activation,
        such as the script that started the replay, never count.
        """
        while frame is not None and frame is not boundary:
            if self.is_user_file(frame.f_code.co_filename):
                return frame
            frame = frame.f_back
        return None


def defining_file(cls: type) -> str:
    """The source file of the module that defines ``cls`` ("" when it has none)."""
    return str(getattr(sys.modules.get(cls.__module__), "__file__", None) or "")


def frame_location(frame: FrameType) -> SourceLocation:
    """Where a running or suspended frame is now."""
    code = frame.f_code
    return SourceLocation(code.co_filename, frame.f_lineno or code.co_firstlineno, code.co_name)


def _instruction_line(instr: dis.Instruction) -> int | None:
    positions = getattr(instr, "positions", None)  # 3.11+
    if positions is not None:
        return positions.lineno  # type: ignore[no-any-return]
    line = instr.starts_line
    return line if isinstance(line, int) and not isinstance(line, bool) else None


@lru_cache(maxsize=4096)
def first_body_line(code: CodeType) -> int:
    """Line of the first statement of a function's body.

    A fresh frame reports the ``def`` line (or its first decorator); users expect the first
    statement of the body instead: the first instruction after the prologue.
    """
    prologue = {"RESUME", "RETURN_GENERATOR", "POP_TOP", "NOP", "COPY_FREE_VARS",
                "MAKE_CELL", "GEN_START", "CACHE"}
    started = sys.version_info < (3, 11)  # RESUME, which ends the prologue, is 3.11+
    for instr in dis.get_instructions(code):
        if instr.opname == "RESUME":
            started = True
            continue
        line = _instruction_line(instr)
        if started and instr.opname not in prologue and line is not None:
            return line
    return code.co_firstlineno
