"""The language server's replay process: started ahead of a save, used once, then it exits.

Replaying the project's saved histories against the code just saved must happen in the
user's interpreter and environment (their workflow modules, plugins, converters), and never in
the language server itself: user code may block, crash or print, and a module imported once
cannot be imported again in its saved state. A fresh process per run is the only clean slate,
and what makes it fast is that it is started *before* it is needed: it imports the SDK and
the replay engine and reads and parses the saved histories (the folders are its arguments;
none of this needs the user's code), then waits on stdin for the one request. Parsing is
most of a big history's cost: the 10,548-event example takes 0.9 s to read from JSON.

Protocol: the folders as arguments; one JSON line in (:class:`Request` fields), one JSON line
out, on the file descriptor stdout had at start; the process's own stdout is pointed at
stderr first, so a ``print`` in the user's module cannot corrupt the answer. The answer is
``{"findings": [...], "totals": {type: n}}`` or ``{"error": message, "hint": hint}``.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from replaydbg.errors import ReplaydbgError
from replaydbg.histcheck.findings import HistoryFinding, unusable_file
from replaydbg.histcheck.run import replay_saved, totals_of
from replaydbg.histcheck.saved import SavedHistories, SavedHistory, Unreadable
from replaydbg.history import History
from replaydbg.shadow.outcome import Outcome
from replaydbg.shadow.replaying import BatchReplayer, ReplayOptions, load_ref


@dataclass(frozen=True)
class Request:
    """What to replay: the folders of saved histories, against which workflows and setup."""

    folders: tuple[str, ...]
    workflows: tuple[str, ...]
    setup: Mapping[str, Any]

    def to_json(self) -> dict[str, Any]:
        return {"folders": list(self.folders), "workflows": list(self.workflows),
                "setup": dict(self.setup)}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Request:
        return cls(tuple(data["folders"]), tuple(data["workflows"]), data["setup"])


class Preloaded:
    """The saved histories of some folders, read and parsed.

    Files changed since they were read are read again when the histories are asked for.
    """

    def __init__(self, folders: tuple[str, ...]) -> None:
        self.folders = folders
        self._saved = SavedHistories([Path(f) for f in folders])
        self._loaded: dict[Path, tuple[tuple[int, int], History | Outcome]] = {}

    def load(self) -> tuple[list[SavedHistory], list[Unreadable], list[History | Outcome]]:
        """The usable histories, the unusable files, and the parsed histories (in order)."""
        saved, unreadable = self._saved.scan()
        loaded = []
        for history in saved:
            stamp = _stamp(history.path)
            known = self._loaded.get(history.path)
            if known is None or known[0] != stamp:
                known = self._loaded[history.path] = (stamp, load_ref(str(history.path)))
            loaded.append(known[1])
        return saved, unreadable, loaded


def _stamp(path: Path) -> tuple[int, int]:
    try:
        stat = path.stat()
    except OSError:
        return (-1, -1)
    return stat.st_size, stat.st_mtime_ns


def answer(request: Request, preloaded: Preloaded | None = None) -> dict[str, Any]:
    """Replay what ``request`` names; the findings, or the error that stopped the run."""
    if preloaded is None or preloaded.folders != request.folders:
        preloaded = Preloaded(request.folders)
    saved, unreadable, loaded = preloaded.load()
    found: list[HistoryFinding] = []
    if saved:
        options = ReplayOptions(request.workflows, dict(request.setup))
        try:
            _, found = asyncio.run(replay_saved(BatchReplayer(options), saved, loaded))
        except ReplaydbgError as err:
            return {"error": err.message, "hint": err.hint or ""}
    found += [unusable_file(str(bad.path), bad.message) for bad in unreadable]
    return {"findings": [f.to_json() for f in found], "totals": totals_of(saved)}


def _protocol_stream() -> IO[str]:
    """The original stdout for the answer; fd 1 and ``sys.stdout`` now go to stderr."""
    channel = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    return channel


def main(argv: list[str] | None = None) -> int:
    """Read the histories, wait for the request, answer it, exit.

    The arguments name the history folders; the exit code is 0 even for an error answer.
    """
    channel = _protocol_stream()
    preloaded = Preloaded(tuple(sys.argv[1:] if argv is None else argv))
    try:
        preloaded.load()
    except Exception:  # read again, and reported, when the request comes
        logging.getLogger(__name__).warning("reading the saved histories failed",
                                            exc_info=True)
    line = sys.stdin.readline()
    if not line.strip():
        return 0  # the language server no longer needs this process
    try:
        reply = answer(Request.from_json(json.loads(line)), preloaded)
    except Exception as err:  # the server shows it; a traceback goes to the log (stderr)
        import traceback
        traceback.print_exc()
        reply = {"error": f"the replay failed: {type(err).__name__}: {err}",
                 "hint": "see the language server's log for the traceback"}
    channel.write(json.dumps(reply) + "\n")
    channel.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
