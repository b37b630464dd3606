"""One replay, explained: outcome, event map and the located divergence."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from temporalio.workflow import NondeterminismError

from replaydbg.errors import WorkerSetupError
from replaydbg.history import History, short_details
from replaydbg.history.task_failures import stuck_task
from replaydbg.replay.divergence import Divergence
from replaydbg.replay.engine import DEFAULT_DEADLOCK_TIMEOUT, RawReplay, replay_recorded
from replaydbg.replay.eventmap import EventMap, EventMapping, build_event_map
from replaydbg.replay.inputs import PayloadComparison, input_comparison
from replaydbg.replay.runtime import StopHooks
from replaydbg.replay.sdk_flags import unknown_flags_warnings
from replaydbg.replay.setup import DEFAULT_SETUP, WorkerSetup
from replaydbg.replay.source import SourceLocation
from replaydbg.replay.task_failure import TaskFailureCheck, check_task_failure

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
    #: A workflow task that fails in the replay or in the history, compared (see
    #: replay/task_failure.py).
    task_failure: TaskFailureCheck | None = None

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
            "taskFailure": self.task_failure.to_json() if self.task_failure else None,
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
        "issued": mapping.issued,
        "nextLine": _location_json(mapping.next_line),
        "resumed": mapping.resumed,
        "codeRuns": mapping.code_runs,
        "stopPosition": mapping.stop_position,
        "jobPosition": mapping.job_position,
        "handlerEnd": _location_json(mapping.handler_end),
        "handlerRaised": mapping.handler_raised,
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
    nondeterministic = isinstance(failure, NondeterminismError)
    # The SDK calls a replay whose code raised a success: the recording knows better.
    check = None if nondeterministic else check_task_failure(
        raw.recording.activations, stuck_task(history.events))
    sdk_warnings = unknown_flags_warnings(history)
    if failure is None and (check is None or not check.failed):
        warnings = [f"possible divergence that Temporal does not check: {d.message}"
                    for d in event_map.divergences] + event_map.quiet_differences + sdk_warnings
        return ReplayReport(history, workflow, OK, event_map, warnings=warnings,
                            task_failure=check)
    status = NONDETERMINISM if nondeterministic else FAILED
    divergence = event_map.divergences[0] if event_map.divergences else None
    if check is not None and check.activation is not None:
        # The code raised: that, not the commands it never got to issue, is the story.
        divergence = Divergence.task_failure(check.activation)
    _mark_not_reached(event_map, raw)
    error = core_message(str(failure)) if failure is not None else None
    report = ReplayReport(history, workflow, status, event_map, error, divergence,
                          warnings=event_map.quiet_differences + sdk_warnings,
                          task_failure=check)
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


def _stage_progress(progress: Callable[[str, int, int], None], stage: str,
                    total: int) -> Callable[[int], None]:
    return lambda done: progress(stage, done, total)


async def replay_history(
    history: History,
    workflow_cls: type,
    *,
    setup: WorkerSetup = DEFAULT_SETUP,
    user_roots: tuple[str, ...] = (),
    stops: StopHooks | None = None,
    deadlock_timeout: float | None = DEFAULT_DEADLOCK_TIMEOUT,
    progress: Callable[[str, int, int], None] | None = None,
) -> ReplayReport:
    """Replay ``history`` against ``workflow_cls`` and explain the result.

    ``progress(stage, done, total)`` hears how far the replay ("replaying": events reached)
    and the event map ("mapping events") have come.
    """
    # Before the replay: a codec server that fails is named here, not deep in the SDK.
    compare = await input_comparison(history, setup.effective_converter())
    replayed = None if progress is None else _stage_progress(progress, "replaying",
                                                             len(history.events))
    raw = await replay_recorded(history, workflow_cls, setup=setup, user_roots=user_roots,
                                stops=stops, deadlock_timeout=deadlock_timeout,
                                progress=replayed)
    if progress is not None:
        progress("mapping events", 0, 0)
    name = f"{workflow_cls.__module__}:{workflow_cls.__qualname__}"
    report = explain(raw, history, name, compare_payloads=compare or False)
    check_setup(report)
    return report


def check_setup(report: ReplayReport) -> None:
    """A replay that failed for want of the worker's setup is an input error, not a bug.

    An undecodable payload fails the task, but the workflow code is not at fault: the replay
    lacks what the worker decodes payloads with.
    """
    check = report.task_failure
    if check is not None and check.undecodable_encoding is not None:
        cause = check.activation.failure_cause if check.activation else None
        raise WorkerSetupError(f"the replay cannot decode the history's payloads: {cause}",
                               hint=check.hint)
