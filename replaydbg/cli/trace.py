"""The text rendering of a replay: one line per event, then the outcome."""

from __future__ import annotations

import linecache
import os
from collections.abc import Iterator

from replaydbg.history import short_details
from replaydbg.replay import EventMapping, ReplayReport
from replaydbg.replay.recorder import ActivationRecord
from replaydbg.replay.report import NONDETERMINISM, OK

_DETAILS_WIDTH = 48
_MAX_WARNINGS = 10


def _where(mapping: EventMapping, base: str) -> str:
    if mapping.source is not None:
        return f"issued at {mapping.source.short(base)}"
    if mapping.handler_end is not None:
        ended = "raised" if mapping.handler_raised else "returned"
        return f"handler {ended} at {mapping.handler_end.short(base)}"
    if mapping.next_line is not None:
        return f"resumes {mapping.next_line.short(base)}"
    if mapping.role == "applied" and not mapping.code_runs:
        return "no workflow code runs yet (the code it wakes waits for more)"
    if mapping.role == "unmapped":
        return f"unmapped: {mapping.note}"
    if mapping.role == "not-reached":
        return "(not replayed)"
    if mapping.role == "command":
        return mapping.note
    return ""


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def trace_lines(report: ReplayReport, *, base: str | None = None) -> Iterator[str]:
    """Header, one line per event (id, type, details, mapped line), divergence marker."""
    base = base or os.getcwd()
    history = report.history
    yield (f"{history.source}: workflow {history.workflow_type} (id {history.workflow_id}, "
           f"run {history.run_id}), {len(history.events)} events, replayed with "
           f"{report.workflow}")
    diverged = report.divergence.event_id if report.divergence else None
    for event, mapping in zip(history.events, report.event_map, strict=True):
        details = _clip(short_details(event), _DETAILS_WIDTH)
        mark = ">>" if event.event_id == diverged else "  "
        yield (f"{mark}{event.event_id:>6}  {mapping.event_type:<40} {details:<{_DETAILS_WIDTH}}"
               f"  {_where(mapping, base)}").rstrip()


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


def outcome_lines(report: ReplayReport, *, base: str | None = None) -> Iterator[str]:
    """The verdict for one history, with the located divergence and any warnings."""
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
    shown = report.warnings[:_MAX_WARNINGS]
    for warning in shown:
        yield f"    warning: {warning}"
    if len(report.warnings) > len(shown):
        yield (f"    ... and {len(report.warnings) - len(shown)} more warnings "
               "(all of them are in --json output)")
