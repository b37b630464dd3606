"""Which documents the editor has open, and when to analyse them again.

Typing sends a ``didChange`` per keystroke; analysing each would waste the worker on texts
that are already gone. :class:`Debouncer` waits for a quiet spell (``debounceMs``) and
analyses once; a save or an open is analysed at once since the user is then looking.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from pathlib import Path

from pygls.uris import from_fs_path, to_fs_path

logger = logging.getLogger(__name__)

#: Files the rules analyse; anything else the editor opens is left alone.
PYTHON_SUFFIXES = (".py", ".pyi")


def python_path(uri: str) -> Path | None:
    """The file behind ``uri`` if it is a Python file on disk (not ``untitled:``, not TOML)."""
    fs_path = to_fs_path(uri)
    if fs_path is None or not uri.startswith("file:"):
        return None
    path = Path(fs_path).resolve()
    return path if path.suffix in PYTHON_SUFFIXES else None


class OpenDocuments:
    """Which documents are open, and the URIs the client uses for files.

    Findings name resolved paths; a client may spell the same file differently (a symlinked
    folder, a drive letter's case), and diagnostics must go back under *its* spelling, also
    after the document is closed, or the client would list the file twice.
    """

    def __init__(self) -> None:
        self._uris: dict[Path, str] = {}
        self._open: set[Path] = set()

    def add(self, path: Path, uri: str) -> None:
        """The editor opened ``path`` as ``uri``."""
        self._uris[path] = uri
        self._open.add(path)

    def remove(self, path: Path) -> None:
        """The editor closed ``path``."""
        self._open.discard(path)

    def is_open(self, path: Path) -> bool:
        """Whether the editor has ``path`` open (its text, not the disk's, is analysed)."""
        return path in self._open

    def uri(self, path: Path) -> str:
        """The client's URI for ``path``; a ``file:`` URI of our own for files never opened."""
        known = self._uris.get(path)
        return known if known is not None else str(from_fs_path(str(path)))


class Debouncer:
    """Runs ``work(key)`` once a key has been quiet for ``delay`` seconds.

    A newer request for the same key replaces the pending one; :meth:`now` skips the wait.
    Failures of ``work`` are logged, never raised: a broken analysis must not take the
    server down with it.
    """

    def __init__(self, work: Callable[[str], Awaitable[None]], delay: float) -> None:
        self.delay = delay
        self._work = work
        self._timers: dict[str, asyncio.TimerHandle] = {}
        self._tasks: set[asyncio.Task[None]] = set()  # held so they are not collected early

    def later(self, key: str) -> None:
        """Run after ``delay`` unless asked again for ``key`` in the meantime."""
        self.cancel(key)
        loop = asyncio.get_running_loop()
        self._timers[key] = loop.call_later(self.delay, self._start, key)

    def now(self, key: str) -> None:
        """Run at once, dropping a pending delayed run for ``key``."""
        self.cancel(key)
        self._start(key)

    def cancel(self, key: str) -> None:
        """Forget a pending run for ``key`` (a run already started completes)."""
        timer = self._timers.pop(key, None)
        if timer is not None:
            timer.cancel()

    def _start(self, key: str) -> None:
        self._timers.pop(key, None)
        task = asyncio.ensure_future(self._guarded(key))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _guarded(self, key: str) -> None:
        try:
            await self._work(key)
        except Exception:
            logger.exception("analysis of %s failed", key)
