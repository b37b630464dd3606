"""The text rendering of a replay: one line per event (the outcome is ``replay.outcome``'s)."""

from __future__ import annotations

import os
from collections.abc import Iterator

from replaydbg.history import short_details
from replaydbg.replay import EventMapping, ReplayReport

_DETAILS_WIDTH = 48


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
