"""``[tool.replaydbg.recent_histories]``: which production histories a project pulls to replay.

Saved histories in the repository are what a team chose to keep; the executions that ran
this week are what the next deploy must replay. The table says which of them to pull from the
project's Temporal server (its ``profile``) into a local folder, where the language server and
``replaydbg check --replay-histories`` replay them next to the saved ones::

    [tool.replaydbg.recent_histories]
    since = "7d"          # started since (a duration or an ISO date); default 7d
    max = 20              # per workflow type, newest first; default 20
    workflow_types = []   # default: the types the project's workflow code declares
    query = "ExecutionStatus = 'Completed'"   # ANDed with the above (optional)
    folder = ".replaydbg/recent"              # default: a folder in the user's cache

The folder defaults to the user's cache (one per project), so pulled histories never land
in the repository unless the project says where.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from replaydbg.errors import ConfigError

#: How many executions of each workflow type are pulled when the table does not say.
DEFAULT_MAX = 20
DEFAULT_SINCE = "7d"


@dataclass(frozen=True)
class RecentHistories:
    """What to pull: a visibility selection per workflow type, and where to keep it."""

    folder: Path
    since: str = DEFAULT_SINCE
    max: int = DEFAULT_MAX
    workflow_types: tuple[str, ...] = ()
    query: str | None = None


def default_folder(root: Path) -> Path:
    """``$XDG_CACHE_HOME/replaydbg/recent/<project>-<hash>``: one folder per project root."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(Path.home(), ".cache")
    resolved = str(root.resolve())
    tag = hashlib.sha1(resolved.encode()).hexdigest()[:10]
    return Path(base) / "replaydbg" / "recent" / f"{root.resolve().name or 'project'}-{tag}"


Fail = Callable[[str, str], ConfigError]


def parse_recent(root: Path, value: Any, fail: Fail) -> RecentHistories:
    """The table's value; ``fail(problem, fix)`` makes the error naming file and key."""
    if value is True:
        return RecentHistories(default_folder(root))
    if not isinstance(value, Mapping):
        raise fail(f"must be a table, not {type(value).__name__} ({value!r})",
                   "write [tool.replaydbg.recent_histories] with since = \"7d\" and max = 20, "
                   "or recent_histories = true for the defaults")
    known = {"since", "max", "workflow_types", "query", "folder"}
    unknown = sorted(set(value) - known)
    if unknown:
        raise fail(f"has unknown key {unknown[0]!r}",
                   f"remove it or fix its spelling; known keys: {', '.join(sorted(known))}")
    since = value.get("since", DEFAULT_SINCE)
    if not isinstance(since, str) or not since.strip():
        raise fail(f"since must be a string such as \"7d\", not {since!r}",
                   "give a duration (7d, 12h, 30m) or an ISO date")
    count = value.get("max", DEFAULT_MAX)
    if not isinstance(count, int) or isinstance(count, bool) or count < 1:
        raise fail(f"max must be a whole number of 1 or more, not {count!r}",
                   "give how many executions of each workflow type to pull, e.g. max = 20")
    types = value.get("workflow_types", [])
    if not isinstance(types, list) or not all(isinstance(t, str) and t.strip() for t in types):
        raise fail(f"workflow_types must be a list of workflow type names, not {types!r}",
                   "e.g. workflow_types = [\"OrderWorkflow\"], or leave it out for the types "
                   "your workflow code declares")
    query = value.get("query")
    if query is not None and (not isinstance(query, str) or not query.strip()):
        raise fail(f"query must be a visibility query string, not {query!r}",
                   "e.g. query = \"ExecutionStatus = 'Completed'\", or leave it out")
    folder = value.get("folder")
    if folder is not None and (not isinstance(folder, str) or not folder.strip()):
        raise fail(f"folder must be a path string, not {folder!r}",
                   "e.g. folder = \".replaydbg/recent\" (relative to pyproject.toml)")
    return RecentHistories(root / folder if folder else default_folder(root), since.strip(),
                           count, tuple(t.strip() for t in types), query)
