"""One replay, explained: outcome, event map and the located divergence."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any

from temporalio.converter import DataConverter
from temporalio.workflow import NondeterminismError

from replaydbg.history import History, short_details
from replaydbg.replay.divergence import Divergence
from replaydbg.replay.engine import RawReplay, replay_recorded
from replaydbg.replay.eventmap import EventMap, EventMapping, build_event_map
from replaydbg.replay.inputs import PayloadComparison, input_comparison
from replaydbg.replay.runtime import StopHooks
from replaydbg.replay.source import SourceLocation

OK, NONDETERMINISM, FAILED = "ok", "nondeterminism", "failed"

_CORE_MESSAGE = re.compile(r'message: "((?:[^"\\]|\\.)*)"')


def core_message(error: str) -> str:
    """The readable part of a core failure (``Failure { message: "..." ...}`` unwrapped)."""
    found = _CORE_MESSAGE.search(error)
    return found.group(1).replace('\\"', '"') if found else error


@dataclass
class ReplayReport:
    """The result of replaying one history against the user's code."""

    history: History
    workflow: str
    #: ``ok``, ``nondeterminism`` or ``failed`` (another replay error).
    status: str
    event_map: EventMap
    #: The SDK's own failure message, verbatim (None when the replay succeeded).
    error: str | None = None
    #: Where the code and history first disagree, when it could be located.
    divergence: Divergence | None = None
    #: Divergences Temporal itself does not detect, and other remarks.
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when the code still replays this history."""
        return self.status == OK

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict with everything the text trace shows."""
        return {
            "source": self.history.source,
            "workflowId": self.history.workflow_id,
            "runId": self.history.run_id,
            "workflowType": self.history.workflow_type,
            "workflow": self.workflow,
            "status": self.status,
            "error": self.error,
            "divergence": _divergence_json(self.divergence),
            "warnings": self.warnings,
            "events": [mapping_json(m, short_details(e))
                       for m, e in zip(self.event_map, self.history.events, strict=True)],
        }


def _location_json(location: SourceLocation | None) -> dict[str, Any] | None:
    if location is None:
        return None
    return {"file": location.file, "line": location.line, "function": location.function}


def mapping_json(mapping: EventMapping, details: str) -> dict[str, Any]:
    """One event of the report's ``events`` (``details``: the event's short description)."""
    return {
        "subject": mapping.subject,
        "details": details,
        "eventId": mapping.event_id,
        "eventType": mapping.event_type,
        "role": mapping.role,
        "activation": mapping.activation,
        "position": mapping.position,
        "job": mapping.job,
        "command": mapping.command,
        "source": _location_json(mapping.source),
        "nextLine": _location_json(mapping.next_line),
        "resumed": mapping.resumed,
        "jobPosition": mapping.job_position,
        "note": mapping.note,
    }


def _divergence_json(divergence: Divergence | None) -> dict[str, Any] | None:
    if divergence is None:
        return None
    return {
        "kind": divergence.kind,
        "activation": divergence.activation,
        "position": divergence.position,
        "eventId": divergence.event_id,
        "event": divergence.event,
        "command": divergence.command,
        "line": _location_json(divergence.line),
        "waitingAt": [_location_json(w) for w in divergence.waiting_at],
        "message": divergence.message,
    }


def explain(raw: RawReplay, history: History, workflow: str, *,
            compare_payloads: PayloadComparison = True,
            event_map: EventMap | None = None) -> ReplayReport:
    """Turn a raw replay into a report: status, event map, located divergence.

    ``event_map`` is the map already built while the replay ran, if any.
    """
    if event_map is None:
        event_map = build_event_map(history, raw.recording, compare_payloads=compare_payloads)
    failure = raw.failure
    if failure is None:
        warnings = [f"possible divergence that Temporal does not check: {d.message}"
                    for d in event_map.divergences] + event_map.quiet_differences
        return ReplayReport(history, workflow, OK, event_map, warnings=warnings)
    status = NONDETERMINISM if isinstance(failure, NondeterminismError) else FAILED
    divergence = event_map.divergences[0] if event_map.divergences else None
    failed = [a for a in raw.recording.activations if a.failure and not a.is_eviction]
    if status == FAILED and failed:
        # The code raised: that, not the commands it never got to issue, is the story.
        divergence = Divergence.task_failure(failed[0])
    _mark_not_reached(event_map, raw)
    report = ReplayReport(history, workflow, status, event_map, core_message(str(failure)),
                          divergence, warnings=list(event_map.quiet_differences))
    if divergence is None:
        report.warnings.append(_unlocated(raw))
    return report


def _mark_not_reached(event_map: EventMap, raw: RawReplay) -> None:
    """Events after the last replayed workflow task were never reached, not "unmapped"."""
    replayed = [a.history_length for a in raw.recording.activations if not a.is_eviction]
    last = max(replayed, default=0)
    for index, mapping in enumerate(event_map.mappings):
        if mapping.role == "unmapped" and mapping.event_id > last:
            event_map.mappings[index] = replace(
                mapping, role="not-reached",
                note=f"not replayed: replay stopped in the workflow task started at event {last}")


def _unlocated(raw: RawReplay) -> str:
    activations = [a for a in raw.recording.activations if not a.is_eviction]
    last = activations[-1] if activations else None
    if last is None:
        return "the replay failed before any workflow code ran"
    if last.failure:
        return f"the workflow task failed during replay: {last.failure}"
    where = f"; the workflow was waiting at {last.waiting_at[0].short()}" if last.waiting_at \
        else ""
    return (f"could not match the failure to a command; the last workflow task replayed "
            f"started at event {last.history_length}{where}")


async def replay_history(
    history: History,
    workflow_cls: type,
    *,
    sandbox: bool = True,
    data_converter: DataConverter | None = None,
    user_roots: tuple[str, ...] = (),
    stops: StopHooks | None = None,
) -> ReplayReport:
    """Replay ``history`` against ``workflow_cls`` and explain the result."""
    compare = await input_comparison(history, data_converter)  # a codec server fails early
    raw = await replay_recorded(history, workflow_cls, sandbox=sandbox,
                                data_converter=data_converter, user_roots=user_roots,
                                stops=stops)
    name = f"{workflow_cls.__module__}:{workflow_cls.__qualname__}"
    return explain(raw, history, name, compare_payloads=compare or False)
