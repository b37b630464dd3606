"""The verdict of one replay in words: what ``replaydbg replay`` prints and a failing test shows.

Below both the command line and the pytest integration, so that a divergence reads the same
wherever it is found: the outcome, the user's line, the history event against the command.
"""

from __future__ import annotations

import linecache
import os
from collections.abc import Iterator

from replaydbg.replay.recorder import ActivationRecord
from replaydbg.replay.report import NONDETERMINISM, OK, ReplayReport

#: Warnings listed under an outcome; the rest are counted.
MAX_WARNINGS = 10


def _task_failure_lines(report: ReplayReport, activation: ActivationRecord,
                        base: str) -> Iterator[str]:
    """The user-only traceback and the events the failing task was applying."""
    if activation.failure_traceback:
        yield "    traceback (your code, most recent call last):"
        for frame in activation.failure_traceback:
            text = linecache.getline(frame.file, frame.line).strip()
            yield f"      {frame.short(base)}" + (f": {text}" if text else "")
    applied = [m for m in report.event_map
               if m.activation == activation.index and m.role == "applied"]
    if applied:
        events = ", ".join(f"{m.event_id} {m.event_type}" + (f" ({m.subject})" if m.subject
                                                              else "") for m in applied)
        yield f"    the task was applying: {events}"


def outcome_lines(report: ReplayReport, *, base: str | None = None,
                  overflow_note: str = "") -> Iterator[str]:
    """The verdict for one history, with the located divergence and any warnings.

    Paths are shown relative to ``base`` (the working directory by default). Past
    :data:`MAX_WARNINGS` the remaining warnings are only counted; ``overflow_note`` says where
    the reader finds them all.
    """
    base = base or os.getcwd()
    source = report.history.source
    check = report.task_failure
    if report.status == OK:
        yield f"OK  {source}: replayed {len(report.history.events)} events deterministically"
        if check is not None:
            yield f"    {check.summary}"
    else:
        label = "NONDETERMINISM" if report.status == NONDETERMINISM else "FAILED"
        yield f"{label}  {source}"
        divergence = report.divergence
        if divergence is not None:
            yield f"    {divergence.message}"
            line = divergence.line
            if line is not None:
                yield f"    at {line.short(base)}"
        if check is not None and check.activation is not None:
            yield from _task_failure_lines(report, check.activation, base)
            yield f"    history: {check.summary}"
            if check.hint:
                yield f"    hint: {check.hint}"
        if report.error:
            yield f"    Temporal says: {report.error.splitlines()[0][:300]}"
    shown = report.warnings[:MAX_WARNINGS]
    for warning in shown:
        yield f"    warning: {warning}"
    if len(report.warnings) > len(shown):
        note = f" ({overflow_note})" if overflow_note else ""
        yield f"    ... and {len(report.warnings) - len(shown)} more warnings{note}"
