"""The language server's replay process: started ahead of a save, used once, then it exits.

Replaying the project's saved histories against the code just saved must happen in the
user's interpreter and environment (their workflow modules, plugins, converters), and never in
the language server itself: user code may block, crash or print, and a module imported once
cannot be imported again in its saved state. A fresh process per run is the only clean slate,
and what makes it fast is that it is started *before* it is needed: it imports the SDK and
the replay engine (most of the start-up cost) and then waits on stdin for the one request.

Protocol: one JSON line in (:class:`Request` fields), one JSON line out, on the file
descriptor stdout had at start; the process's own stdout is pointed at stderr first, so a
``print`` in the user's module cannot corrupt the answer. The answer is
``{"findings": [...], "totals": {type: n}}`` or ``{"error": message, "hint": hint}``.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from replaydbg.errors import ReplaydbgError
from replaydbg.histcheck.findings import HistoryFinding, unusable_file
from replaydbg.histcheck.run import replay_saved, totals_of
from replaydbg.histcheck.saved import SavedHistories
from replaydbg.shadow.replaying import BatchReplayer, ReplayOptions


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


def answer(request: Request) -> dict[str, Any]:
    """Replay what ``request`` names; the findings, or the error that stopped the run."""
    saved, unreadable = SavedHistories([Path(f) for f in request.folders]).scan()
    found: list[HistoryFinding] = []
    if saved:
        options = ReplayOptions(request.workflows, dict(request.setup))
        try:
            _, found = asyncio.run(replay_saved(BatchReplayer(options), saved))
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


def main() -> int:
    """Wait for the request, answer it, exit (0 even when the answer is an error)."""
    channel = _protocol_stream()
    line = sys.stdin.readline()
    if not line.strip():
        return 0  # the language server no longer needs this process
    try:
        reply = answer(Request.from_json(json.loads(line)))
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
