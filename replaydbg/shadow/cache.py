"""Histories fetched before, by run id: a re-run of a shadow fetches only what is new.

Only closed runs are kept (a closed run's history never changes); a running one is fetched
every time. Files are the binary protobuf replaydbg loads fastest, written atomically so
that an interrupted run leaves no half file behind.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from replaydbg.errors import InputError

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")


def default_cache_dir() -> Path:
    """``$XDG_CACHE_HOME/replaydbg/histories`` (``~/.cache/...`` without the variable)."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(Path.home(), ".cache")
    return Path(base) / "replaydbg" / "histories"


class HistoryCache:
    """A folder per namespace, a file per run id (``namespace`` None: ``root`` is the folder)."""

    def __init__(self, root: Path, namespace: str | None) -> None:
        self.root = root if namespace is None else root / _UNSAFE.sub("_", namespace)
        try:
            self.root.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise InputError(f"cannot use {root} as the history cache: {err.strerror}",
                             hint="give another folder with --cache-dir, or --no-cache") from err

    def path(self, run_id: str) -> Path:
        """Where the history of ``run_id`` is (or would be) kept."""
        return self.root / f"{_UNSAFE.sub('_', run_id)}.binpb"

    def get(self, run_id: str) -> Path | None:
        """The kept history of ``run_id``, if any."""
        path = self.path(run_id)
        return path if path.is_file() else None
