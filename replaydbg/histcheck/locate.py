"""Where things are in files: a history event in a history file, a line's extent in source.

Findings point at the event a history breaks at, so that an editor opens the history file
there; only text formats have lines (binary and gzip histories are pointed at as a whole).
"""

from __future__ import annotations

import re
from pathlib import Path

#: Reads no more of a text history than this looking for an event.
_SCAN_LIMIT = 64 * 1024 * 1024


def event_line(path: str | Path, event_id: int) -> int:
    """The 1-based line where event ``event_id`` starts in a JSON history (else 1)."""
    if event_id <= 0 or not str(path).endswith(".json"):
        return 1
    pattern = re.compile(rb'"event_?[iI]d"\s*:\s*"?%d"?\s*[,}\n]' % event_id)
    try:
        with open(path, "rb") as file:
            data = file.read(_SCAN_LIMIT)
    except OSError:
        return 1
    found = pattern.search(data)
    if found is None:
        return 1
    line = data.count(b"\n", 0, found.start()) + 1
    # The event's opening brace, when it is on a line of its own above the id.
    start = data.rfind(b"{", 0, found.start())
    return data.count(b"\n", 0, start) + 1 if start >= 0 else line


def line_extent(path: str | Path, line: int) -> tuple[int, int]:
    """The 0-based columns of a line's text without its indentation (0, 0 when unknown)."""
    try:
        lines = Path(path).read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return 0, 0
    if not 0 < line <= len(lines):
        return 0, 0
    text = lines[line - 1]
    return len(text) - len(text.lstrip()), len(text.rstrip())
