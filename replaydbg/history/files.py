"""Which files in a folder are saved histories: one answer for every reader of folders.

``replaydbg replay DIR`` and the pytest plugin's history folders must agree on what a
history file is, or a folder would replay differently from the command line and in a test run.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from replaydbg.errors import HistoryFileError

#: The endings of history files found in a folder (a file named outright may end in anything).
HISTORY_SUFFIXES = (".json", ".json.gz", ".pb", ".binpb", ".pb.gz", ".binpb.gz", ".gz")


def history_files(paths: Iterable[str]) -> Iterator[Path]:
    """Each path, with directories expanded to the history files inside (recursively)."""
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = sorted(p for p in path.rglob("*")
                           if p.is_file() and looks_like_history(p.relative_to(path)))
            if not found:
                raise HistoryFileError(
                    f"{raw}: directory contains no history files",
                    hint=f"expected files ending in {', '.join(HISTORY_SUFFIXES[:4])}",
                )
            yield from found
        else:
            yield path


def looks_like_history(path: Path) -> bool:
    """Whether a file found in a folder (``path`` relative to it) is a history to replay.

    Files in hidden folders (``.git``, ``.cache``) are not, whatever their name.
    """
    hidden = any(part.startswith(".") for part in path.parts[:-1])
    return not hidden and path.name.endswith(HISTORY_SUFFIXES)
