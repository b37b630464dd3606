"""The saved histories of a project, by workflow type, re-read only when a file changes.

A language server asks on every save which histories a workflow type has; loading every file
each time would cost more than the replays. The answer is kept per file, keyed by its size
and modification time.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from replaydbg.errors import ReplaydbgError
from replaydbg.history.files import history_files, looks_like_history
from replaydbg.history.loader import load_history

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class SavedHistory:
    """One saved history file and the execution it records."""

    path: Path
    workflow_type: str
    workflow_id: str
    run_id: str
    events: int


@dataclass(frozen=True)
class Unreadable:
    """A file in a history folder that is not a usable history, and why."""

    path: Path
    message: str


class SavedHistories:
    """The history files under ``folders`` (files named outright count too)."""

    def __init__(self, folders: Iterable[Path]) -> None:
        self.folders = tuple(folders)
        self._known: dict[Path, tuple[tuple[int, int], SavedHistory | Unreadable]] = {}

    def scan(self) -> tuple[list[SavedHistory], list[Unreadable]]:
        """Every saved history, and the files that are not usable ones."""
        found: list[SavedHistory] = []
        bad: list[Unreadable] = []
        seen: set[Path] = set()
        for path in self._files():
            seen.add(path)
            entry = self._entry(path)
            if isinstance(entry, SavedHistory):
                found.append(entry)
            elif entry is not None:
                bad.append(entry)
        for gone in set(self._known) - seen:
            del self._known[gone]
        return found, bad

    def by_type(self) -> dict[str, list[SavedHistory]]:
        """The usable histories, by workflow type, each list in path order."""
        grouped: dict[str, list[SavedHistory]] = {}
        for saved in self.scan()[0]:
            grouped.setdefault(saved.workflow_type, []).append(saved)
        return grouped

    def _files(self) -> list[Path]:
        files: list[Path] = []
        for folder in self.folders:
            if folder.is_dir():
                files.extend(p.resolve() for p in sorted(folder.rglob("*"))
                             if p.is_file() and looks_like_history(p.relative_to(folder)))
            elif folder.is_file():
                files.extend(p.resolve() for p in history_files([str(folder)]))
            else:
                logger.info("history folder %s does not exist", folder)
        return sorted(set(files))

    def _entry(self, path: Path) -> SavedHistory | Unreadable | None:
        try:
            stat = path.stat()
        except OSError:
            return None  # removed while listed
        key = (stat.st_size, stat.st_mtime_ns)
        known = self._known.get(path)
        if known is not None and known[0] == key:
            return known[1]
        entry: SavedHistory | Unreadable
        try:
            history = load_history(path)
            entry = SavedHistory(path, history.workflow_type, history.workflow_id,
                                 history.run_id, len(history.events))
        except ReplaydbgError as err:
            entry = Unreadable(path, err.message)
        self._known[path] = (key, entry)
        return entry
