"""The private folder of one debug session, and the sweep of folders whose session is gone.

A session keeps copies of the history there (customer payloads), so the folder is owner-only
(``mkdtemp`` makes it 0700; files saved into it are 0600) and is removed on every ending the
adapter sees. A killed adapter sees none: its folder name carries its process id, and the
next session removes folders whose process no longer exists.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import tempfile
import time
from pathlib import Path

logger = logging.getLogger(__name__)

PREFIX = "replaydbg-session-"
_OWNED = re.compile(re.escape(PREFIX) + r"(\d+)-")
#: Folders of versions that did not name their process: removed once surely abandoned.
_UNNAMED_AGE = 24 * 3600.0


def make_workdir() -> str:
    """A new owner-only folder for this process's session, after sweeping orphans."""
    sweep_orphans()
    return tempfile.mkdtemp(prefix=f"{PREFIX}{os.getpid()}-")


def sweep_orphans(root: str | None = None) -> list[Path]:
    """Remove session folders (of this user) whose adapter process is gone; return them."""
    removed = []
    for folder in Path(root or tempfile.gettempdir()).glob(PREFIX + "*"):
        if _orphaned(folder):
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    if removed:
        logger.info("removed %d folder(s) of ended debug sessions", len(removed))
    return removed


def _orphaned(folder: Path) -> bool:
    try:
        info = folder.lstat()
    except OSError:
        return False
    if not folder.is_dir() or folder.is_symlink() or info.st_uid != os.getuid():
        return False
    owner = _OWNED.match(folder.name)
    if owner is None:
        return time.time() - info.st_mtime > _UNNAMED_AGE
    pid = int(owner.group(1))
    return pid != os.getpid() and not _alive(pid)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True
