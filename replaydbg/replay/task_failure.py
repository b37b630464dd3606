"""A workflow task that fails during replay, compared with what the history recorded.

The SDK calls a replay whose code raises a success (it only logs the traceback), so this is
where replaydbg decides: the code raised and the history failed the same way (*reproduced*),
differently (*differs*), or completed that task (*new*); or the history's last task failed
and the code now completes it (*fixed*: the check a user runs before deploying a fix).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import Any

from replaydbg.history.task_failures import RecordedTaskFailure, StackFrame, StuckTask
from replaydbg.replay.recorder import ActivationRecord
from replaydbg.replay.source import SourceLocation
from replaydbg.rules.advice import restricted_access_advice

REPRODUCED, DIFFERS, NEW, FIXED = "reproduced", "differs", "new", "fixed"
#: The history's task only timed out (the worker stopped answering); the code completes it.
TIMED_OUT = "timed-out"
_UNKNOWN_ENCODING = re.compile(r"Unknown payload encoding ([^\s'\"]+)")
#: The exception the deadlock watchdog raises (see replay/watchdog.py).
DEADLOCK_TYPE = "WorkflowDeadlock"


@dataclass(frozen=True)
class TaskFailureCheck:
    """The replay's workflow-task failure (if any) against the history's record (if any)."""

    #: ``reproduced``, ``differs``, ``new`` (the code raises where history completed the
    #: task), ``fixed`` (history failed the task, the code now completes it) or
    #: ``timed-out`` (history's attempts only timed out, the code completes the task).
    verdict: str
    #: The failing activation of the replay (None when ``fixed``).
    activation: ActivationRecord | None
    #: The task the history ends in, failing (None for ``new``).
    stuck: StuckTask | None
    #: One line that says it all, for the trace and messages.
    summary: str

    @property
    def failed(self) -> bool:
        """Whether the replay fails on this (not when the code completes the task)."""
        return self.verdict not in (FIXED, TIMED_OUT)

    @property
    def hint(self) -> str | None:
        """What to do instead, when the sandbox refused a call the rules know."""
        activation = self.activation
        if activation is None:
            return None
        if activation.failure_type == "RestrictedWorkflowAccessError":
            return restricted_access_advice(activation.failure or "")
        if "is not JSON serializable" in (activation.failure or ""):
            return ("the SDK's default converter cannot encode this value; if the worker uses "
                    "another data converter (pydantic: --data-converter "
                    "temporalio.contrib.pydantic:pydantic_data_converter), or a plugin that "
                    "sets one, give it to the replay")
        encoding = self.undecodable_encoding
        if encoding is not None:
            return (f"payloads encoded as {encoding} need the worker's converter or codec: give "
                    "its plugin (--plugin MODULE:ATTR), its data converter or PayloadCodec or "
                    "PayloadConverter class (--data-converter MODULE:ATTR) or a codec server "
                    "(--codec-endpoint URL)")
        return None

    @property
    def undecodable_encoding(self) -> str | None:
        """The payload encoding the replay could not decode, when that failed the task."""
        activation = self.activation
        cause = activation.failure_cause if activation is not None else None
        found = _UNKNOWN_ENCODING.search(cause or "")
        return found.group(1) if found else None

    @property
    def deadlock(self) -> bool:
        """The replayed task spun without yielding (the watchdog stopped it)."""
        return self.activation is not None and self.activation.failure_type == DEADLOCK_TYPE

    def to_json(self) -> dict[str, Any]:
        """The ``taskFailure`` of a report's JSON."""
        activation, stuck = self.activation, self.stuck
        return {
            "verdict": self.verdict,
            "summary": self.summary,
            "hint": self.hint,
            "replayed": None if activation is None else {
                "type": activation.failure_type, "message": activation.failure,
                "cause": activation.failure_cause,
                "line": _location_json(activation.failure_site),
                "traceback": [_location_json(f) for f in activation.failure_traceback],
                "workflowTaskStartedEventId": activation.history_length,
                "deadlock": self.deadlock,
            },
            "recorded": None if stuck is None else {
                "failedAttempts": len(stuck.failures), "attempt": stuck.attempt,
                "deliveredEvents": list(stuck.delivered),
                "failures": [_recorded_json(f) for f in stuck.failures],
            },
        }


def check_task_failure(activations: list[ActivationRecord],
                       stuck: StuckTask | None) -> TaskFailureCheck | None:
    """Compare the replay's first failing activation with the history's stuck task."""
    failed = next((a for a in activations if a.failure and not a.is_eviction), None)
    if failed is None:
        if stuck is None:
            return None
        if _only_timed_out(stuck):
            return TaskFailureCheck(TIMED_OUT, None, stuck, _timed_out_summary(stuck))
        return TaskFailureCheck(FIXED, None, stuck, _fixed_summary(stuck))
    if stuck is None or failed.history_length < stuck.last_started:
        return TaskFailureCheck(NEW, failed, None, _new_summary(failed))
    if failed.failure_type == DEADLOCK_TYPE and _only_timed_out(stuck):
        # A worker that never yields never answers either, unless its own deadlock
        # detector fails the task first: the timeouts are what this code leads to.
        return TaskFailureCheck(REPRODUCED, failed, stuck, _blocked_summary(stuck))
    same = _same_failure(failed, stuck.latest)
    summary = (_reproduced_summary(failed, stuck) if same else _differs_summary(failed, stuck))
    return TaskFailureCheck(REPRODUCED if same else DIFFERS, failed, stuck, summary)


def raised(activation: ActivationRecord) -> str:
    """``KeyError: 'zz' at workflows.py:18 (lookup)``."""
    kind = activation.failure_type or "an exception"
    at = f" at {activation.failure_site.short()}" if activation.failure_site else ""
    return f"{kind}: {_clip(activation.failure or '')}{at}"


def _recorded(failure: RecordedTaskFailure) -> str:
    kind = failure.failure_type or failure.cause
    at = f" at {failure.raised_at.short()}" if failure.raised_at else ""
    return f"{kind}: {_clip(failure.message)}{at}"


def _clip(message: str, limit: int = 100) -> str:
    """A message short enough for a one-line summary (the full text is in the JSON)."""
    flat = " ".join(message.split())
    return flat if len(flat) <= limit else flat[:limit - 1] + "…"


def _attempts(stuck: StuckTask) -> str:
    count = len(stuck.failures)
    return f"{count} failed attempt{'s' if count != 1 else ''} recorded"


def _only_timed_out(stuck: StuckTask) -> bool:
    return all(f.cause == "TimedOut" for f in stuck.failures)


def _same_failure(activation: ActivationRecord, recorded: RecordedTaskFailure) -> bool:
    if activation.failure_type == DEADLOCK_TYPE:
        return recorded.deadlock
    if recorded.failure_type != activation.failure_type:
        return False
    site, at = activation.failure_site, recorded.raised_at
    return site is None or at is None or _same_line(site, at)


def _same_line(site: SourceLocation, frame: StackFrame) -> bool:
    """The same line, wherever the worker's copy of the code lived (another path)."""
    return (os.path.basename(site.file) == os.path.basename(frame.file.replace("\\", "/"))
            and site.line == frame.line and site.function == frame.function)


def _reproduced_summary(activation: ActivationRecord, stuck: StuckTask) -> str:
    what = "a deadlock" if activation.failure_type == DEADLOCK_TYPE else raised(activation)
    return (f"reproduced: the code raises what the history recorded ({_attempts(stuck)}, "
            f"attempt {stuck.attempt} scheduled): {what}")


def _differs_summary(activation: ActivationRecord, stuck: StuckTask) -> str:
    return (f"differs: the history failed the task with {_recorded(stuck.latest)} "
            f"({_attempts(stuck)}); the code now raises {raised(activation)}")


def _new_summary(activation: ActivationRecord) -> str:
    return (f"the code raises {raised(activation)} in the workflow task started at event "
            f"{activation.history_length}, which the history completed")


def _fixed_summary(stuck: StuckTask) -> str:
    return (f"the code now completes the workflow task the history failed ({_attempts(stuck)}, "
            f"last: {_recorded(stuck.latest)}): deploying it unblocks the workflow")


def _timed_out_summary(stuck: StuckTask) -> str:
    count = len(stuck.failures)
    return (f"the code completes the workflow task whose {count} attempt"
            f"{'s' if count != 1 else ''} the history records as timed out: the worker stopped "
            "answering (it crashed, was overloaded, or blocked in a call), the code did not fail")


def _blocked_summary(stuck: StuckTask) -> str:
    count = len(stuck.failures)
    return (f"reproduced: the code does not yield in the workflow task whose {count} attempt"
            f"{'s' if count != 1 else ''} the history records as timed out (attempt "
            f"{stuck.attempt} scheduled): a worker stuck there never answers")


def _location_json(location: SourceLocation | None) -> dict[str, Any] | None:
    if location is None:
        return None
    return {"file": location.file, "line": location.line, "function": location.function}


def _recorded_json(failure: RecordedTaskFailure) -> dict[str, Any]:
    at = failure.raised_at
    return {"eventId": failure.event_id, "cause": failure.cause, "type": failure.failure_type,
            "message": failure.message, "deadlock": failure.deadlock,
            "line": None if at is None else {"file": at.file, "line": at.line,
                                             "function": at.function}}
