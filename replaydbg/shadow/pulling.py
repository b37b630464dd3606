"""Pull the recent histories of a project's workflow types into one folder, and keep it current.

The folder holds exactly the last pull's selection: a closed run already there is not fetched
again (its history never changes), a running one is fetched again, and a run the selection no
longer names (too old now) is removed. Because a pull removes files, it only ever writes into
a folder it made itself: a marker file says so, and a folder holding other files is refused.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from temporalio.client import Client

from replaydbg.errors import InputError
from replaydbg.project.recent import RecentHistories
from replaydbg.replay.workflowfiles import read_workflow_file, workflow_files
from replaydbg.shadow.cache import HistoryCache
from replaydbg.shadow.fetching import Fetcher
from replaydbg.shadow.outcome import Outcome
from replaydbg.shadow.selection import Selection, parse_since

logger = logging.getLogger(__name__)

#: The file that marks a folder as replaydbg's to prune.
MARKER = ".replaydbg-pulled"
_MARKER_TEXT = ("Histories pulled by `replaydbg history pull`. Every pull replaces this "
                "folder's *.binpb files with its selection: keep nothing else here.\n")


@dataclass
class Pulled:
    """What a pull did."""

    folder: Path
    #: Histories now in the folder, per workflow type.
    per_type: dict[str, int] = field(default_factory=dict)
    fetched: int = 0
    kept: int = 0
    removed: int = 0
    #: Executions whose history could not be had (the message of each).
    failed: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        """Whether the folder holds other histories than before the pull."""
        return self.fetched > 0 or self.removed > 0

    def to_json(self) -> dict[str, object]:
        return {"folder": str(self.folder), "per_type": self.per_type, "fetched": self.fetched,
                "kept": self.kept, "removed": self.removed, "failed": self.failed}


def declared_types(places: Iterable[Path]) -> list[str]:
    """The workflow types the code under ``places`` (files or folders) declares, sorted.

    A class whose type the source computes cannot be read without importing it: it is left
    out, and ``workflow_types`` in the table names it.
    """
    types: set[str] = set()
    for place in places:
        found = [read_workflow_file(place)] if place.is_file() else workflow_files(place)
        for workflow_file in found:
            if workflow_file is None:
                continue
            if workflow_file.types is None:
                logger.info("%s declares a workflow type replaydbg cannot read without "
                            "importing it; name it in workflow_types", workflow_file.path)
                continue
            types.update(workflow_file.types)
    return sorted(types)


def prepare_folder(folder: Path) -> None:
    """Make ``folder`` (or check that an earlier pull made it)."""
    if folder.is_dir() and not (folder / MARKER).is_file() and any(folder.iterdir()):
        raise InputError(f"{folder} holds files that replaydbg did not pull",
                         hint="a pull removes what it no longer selects, so it writes only "
                         "into an empty folder or one it pulled into before: set folder in "
                         "[tool.replaydbg.recent_histories] (or --output) to another one")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        (folder / MARKER).write_text(_MARKER_TEXT, encoding="utf-8")
    except OSError as err:
        raise InputError(f"cannot write pulled histories to {folder}: {err.strerror}",
                         hint="set folder in [tool.replaydbg.recent_histories] (or --output) "
                         "to a folder you can write") from err


def selections(recent: RecentHistories, types: Sequence[str]) -> list[Selection]:
    """One selection per workflow type: the newest ``recent.max`` since ``recent.since``."""
    since = parse_since(recent.since)
    return [Selection(query=recent.query, workflow_types=(t,), since=since, limit=recent.max)
            for t in types]


async def pull(client: Client, address: str, recent: RecentHistories, types: Sequence[str],
               *, concurrency: int = 8) -> Pulled:
    """Fetch what the table selects into its folder, and remove what it no longer selects."""
    folder = recent.folder
    prepare_folder(folder)
    fetcher = Fetcher(client, address=address, cache=HistoryCache(folder, None), scratch=folder,
                      concurrency=concurrency)
    pulled = Pulled(folder)
    selected: set[Path] = set()
    for workflow_type, selection in zip(types, selections(recent, types), strict=True):
        count = 0
        async for ref in fetcher.refs(selection):
            if isinstance(ref, Outcome):
                pulled.failed.append(f"{ref.source}: {ref.message}")
                continue
            selected.add(Path(ref.path).resolve())
            count += 1
        pulled.per_type[workflow_type] = count
    for stale in folder.glob("*.binpb"):
        if stale.resolve() not in selected:
            stale.unlink(missing_ok=True)
            pulled.removed += 1
    pulled.fetched, pulled.kept = fetcher.fetched, fetcher.cached
    return pulled
