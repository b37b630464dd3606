"""``python -m replaydbg.dap.mapper``: map a history for a debug session, task by task.

Run by the adapter in the user's interpreter, working directory and environment, next to
the debuggee. It replays the history without a debugger (fast) and writes JSON lines on
stdout as it goes, so that the debuggee only ever waits for the part of the map it is about
to need:

* ``{"mapped": [event, ...], "through": N}`` — final mappings, covering every job and
  command of activations 0..N (sent in batches: at first as each task settles, then less
  and less often, at most every :data:`BATCH_SECONDS`);
* ``{"report": {...}}`` — last: the whole report (``replaydbg replay --json``'s result);
* ``{"error": message, "hint": hint}`` — instead of a report, for unusable input.

The session comes as one JSON argument: ``historyFile``, ``workflowId``, ``workflows``,
``sandbox``, ``dataConverter``. Anything the user's code prints goes to stderr.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import time
from typing import IO, Any

from replaydbg.errors import ReplaydbgError
from replaydbg.history import History, load_history, short_details
from replaydbg.lifeline import exit_with_parent_if_asked
from replaydbg.project.codec import codec_options_from_json, with_codec_server
from replaydbg.project.specs import SetupSpecs
from replaydbg.replay import find_workflow
from replaydbg.replay.discovery import ensure_import_path, user_roots
from replaydbg.replay.engine import replay_recorded
from replaydbg.replay.eventmap import EventMapping, EventMapStream
from replaydbg.replay.report import check_setup, explain, mapping_json
from replaydbg.replay.runtime import NoStops, ReplayContext

#: How often mapped events are sent once the replay is under way: each batch makes the
#: adapter re-plan and message the debuggee.
BATCH_SECONDS = 0.1
#: The gap after the first batch, doubled after each one up to BATCH_SECONDS: the first stop
#: is usually in the first tasks, and a debuggee there waits for them.
FIRST_GAP = 0.002


class StreamingMap(NoStops):
    """Stop hooks that settle the event map at each activation and send it in batches."""

    def __init__(self, history: History, out: IO[str], *, compare_payloads: bool) -> None:
        self._history = history
        self._out = out
        self._compare = compare_payloads
        self.stream: EventMapStream | None = None
        self._pending: list[EventMapping] = []
        self._through: int | None = None
        self._sent_at = 0.0
        self._gap = 0.0  # until the next batch may go (see FIRST_GAP)

    def workflow_code(self, running: bool) -> None:
        """An activation starts: the ones before it are closed, and may settle a task."""
        if not running:
            return
        if self.stream is None:
            recording = ReplayContext.recording
            assert recording is not None
            self.stream = EventMapStream(self._history, recording,
                                         compare_payloads=self._compare)
        self.settle()
        if self._through is not None and time.monotonic() - self._sent_at >= self._gap:
            self.flush()

    def settle(self, *, final: bool = False) -> None:
        """Settle what the stream can, for the next batch."""
        assert self.stream is not None
        mapped, through = self.stream.settle(final=final)
        self._pending += mapped
        if through is not None:
            self._through = through

    def flush(self) -> None:
        """Send what settled since the last batch."""
        if self._through is None and not self._pending:
            return
        events = self._history.events
        write(self._out, {"mapped": [mapping_json(m, short_details(events[m.event_id - 1]))
                                     for m in self._pending], "through": self._through})
        self._pending = []
        self._sent_at = time.monotonic()
        self._gap = min(BATCH_SECONDS, max(FIRST_GAP, 2 * self._gap))


def write(out: IO[str], message: dict[str, Any]) -> None:
    """One JSON line."""
    out.write(json.dumps(message) + "\n")
    out.flush()


def run(session: dict[str, Any], out: IO[str]) -> int:
    """Map the session's history; the protocol goes to ``out``."""
    ensure_import_path()
    try:
        history = load_history(session["historyFile"], workflow_id=session.get("workflowId"))
        setup_specs = SetupSpecs.from_json(session)
        setup_specs.add_import_paths()  # the project's folder: its workflow specs import
        specs = list(session.get("workflows") or [])
        cls = find_workflow(specs, history.workflow_type).cls
        setup, _ = with_codec_server(setup_specs.resolve(),
                                     codec_options_from_json(session.get("codec")))
        write(out, {"found": f"{cls.__module__}:{cls.__qualname__}"})
        compare = setup.effective_converter().payload_codec is None
        hooks = StreamingMap(history, out, compare_payloads=compare)
        raw = asyncio.run(replay_recorded(history, cls, setup=setup,
                                          user_roots=user_roots(specs), stops=hooks,
                                          deadlock_timeout=session.get("deadlockTimeout", 5.0)
                                          or None))
    except ReplaydbgError as err:
        write(out, {"error": err.message, "hint": err.hint})
        return 2
    if hooks.stream is not None:  # the last task: the debuggee need not wait for the report
        hooks.settle(final=True)
    hooks.flush()
    event_map = hooks.stream.finish() if hooks.stream is not None else None
    name = f"{cls.__module__}:{cls.__qualname__}"
    report = explain(raw, history, name, compare_payloads=compare, event_map=event_map)
    try:
        check_setup(report)
    except ReplaydbgError as err:
        write(out, {"error": err.message, "hint": err.hint})
        return 2
    write(out, {"report": report.to_json()})
    return 0


def main() -> int:
    """Entry point: the protocol keeps stdout; everything else printed goes to stderr."""
    exit_with_parent_if_asked()
    out = os.fdopen(os.dup(sys.stdout.fileno()), "w", encoding="utf-8")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    sys.stdout = sys.stderr
    try:
        session = json.loads(sys.argv[1])
    except (IndexError, ValueError):
        write(out, {"error": "usage: python -m replaydbg.dap.mapper SESSION_JSON", "hint": None})
        return 2
    return run(session, out)
