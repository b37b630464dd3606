"""A replay's broken histories as findings on the lines that broke them.

One finding per cause and line (a :class:`~replaydbg.shadow.report.Group`), saying how many of
the workflow type's saved histories it breaks and pointing at each history and event, so an
editor can link to them and CI can show the line in code scanning.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from replaydbg.shadow.outcome import FAILED, NONDETERMINISM, Outcome
from replaydbg.shadow.report import Group, ShadowReport

#: A divergence: the code issues other commands than the history recorded.
DIVERGENCE = "RDB901"
#: A task failure: the code raises (or deadlocks) while replaying the history.
TASK_FAILURE = "RDB902"
#: Histories that could not be replayed at all (no line to show; the reason says why).
UNUSABLE = "RDB903"


@dataclass(frozen=True)
class BrokenHistory:
    """A history a finding breaks, and the event it breaks at (0: not known)."""

    source: str
    event_id: int
    workflow_id: str = ""


@dataclass(frozen=True)
class HistoryFinding:
    """What breaks ``broken`` of the ``total`` saved histories of ``workflow_type``."""

    code: str
    path: str
    line: int
    function: str
    message: str
    hint: str
    workflow_type: str
    broken: int
    total: int
    histories: tuple[BrokenHistory, ...] = field(default=())

    @property
    def located(self) -> bool:
        """Whether the finding has a line of the user's code."""
        return bool(self.path) and self.line > 0

    def to_json(self) -> dict[str, Any]:
        """Plain data, for ``check --json`` and the language server's worker."""
        return {"code": self.code, "path": self.path, "line": self.line,
                "function": self.function, "message": self.message, "hint": self.hint,
                "workflowType": self.workflow_type, "broken": self.broken,
                "total": self.total,
                "histories": [{"source": h.source, "eventId": h.event_id,
                               "workflowId": h.workflow_id} for h in self.histories]}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> HistoryFinding:
        """The inverse of :meth:`to_json`."""
        return cls(str(data["code"]), str(data.get("path") or ""), int(data.get("line") or 0),
                   str(data.get("function") or ""), str(data["message"]),
                   str(data.get("hint") or ""), str(data.get("workflowType") or ""),
                   int(data["broken"]), int(data["total"]),
                   tuple(BrokenHistory(str(h["source"]), int(h.get("eventId") or 0),
                                       str(h.get("workflowId") or ""))
                         for h in data.get("histories") or ()))


def findings_of(report: ShadowReport, totals: Mapping[str, int] | None = None,
                ) -> list[HistoryFinding]:
    """The report's groups as findings; ``totals``: saved histories per workflow type.

    Without ``totals`` a type's total is the number of its histories the report holds.
    """
    counted = dict(totals or {})
    if totals is None:
        for outcome in report.outcomes:
            counted[outcome.workflow_type] = counted.get(outcome.workflow_type, 0) + 1
    return [_finding(group, counted) for group in report.groups()]


def _finding(group: Group, totals: Mapping[str, int]) -> HistoryFinding:
    first = group.first
    code = {NONDETERMINISM: DIVERGENCE, FAILED: TASK_FAILURE}.get(first.status, UNUSABLE)
    kind = first.workflow_type
    total = max(totals.get(kind, group.count), group.count)
    noun = "history" if total == 1 else "histories"
    of = f"{kind} " if kind else ""
    message = f"breaks {group.count} of {total} saved {of}{noun}: {_what(first)}"
    if code == UNUSABLE:
        message = f"{group.count} of {total} saved {of}{noun} cannot be replayed: {first.message}"
    return HistoryFinding(code, first.path, first.line, first.function, message, first.hint,
                          kind, group.count, total,
                          tuple(BrokenHistory(o.source, o.event_id, o.workflow_id)
                                for o in group.outcomes))


def _what(outcome: Outcome) -> str:
    """The cause in the words of the line it is shown on."""
    if outcome.status == NONDETERMINISM and outcome.event and outcome.command:
        at = f"event {outcome.event_id}" if outcome.event_id else "the history"
        return f"{at} is {outcome.event}, this line issues {outcome.command}"
    if outcome.status == FAILED:
        return f"this line raises {outcome.message}"
    return outcome.message


def unusable_file(source: str, message: str) -> HistoryFinding:
    """A file among the saved histories that is no usable history: a finding on that file."""
    return HistoryFinding(UNUSABLE, "", 0, "", f"not a usable history: {message}", "", "", 1, 1,
                          (BrokenHistory(source, 0),))
