"""One history's verdict in a shadow run, small and JSON-able.

Outcomes cross process boundaries (the worker pool) and the network (the shadowing
workflow's activities), so they carry what the report needs and nothing more: no event map.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from replaydbg.errors import ReplaydbgError

OK, NONDETERMINISM, FAILED, UNUSABLE = "ok", "nondeterminism", "failed", "unusable"


@dataclass(frozen=True)
class Outcome:
    """How one history replayed, and where it broke."""

    source: str
    status: str
    workflow_id: str = ""
    run_id: str = ""
    workflow_type: str = ""
    #: The first line of what went wrong (the divergence, the exception, the input error).
    message: str = ""
    hint: str = ""
    #: ``path:line`` of the user line responsible, when known; ``function`` its function.
    path: str = ""
    line: int = 0
    function: str = ""
    #: Divergences: ``mismatch``, ``missing-command``...; failures: the exception's type.
    kind: str = ""
    #: What history recorded and what the code did instead (divergences).
    event: str = ""
    command: str = ""
    warnings: tuple[str, ...] = field(default=())
    #: The history event the replay broke at (0: not known), to point at in the history.
    event_id: int = 0

    @property
    def ok(self) -> bool:
        """The history still replays."""
        return self.status == OK

    @property
    def signature(self) -> tuple[str, ...]:
        """What groups outcomes broken the same way: the cause and the line, not the ids."""
        if self.status == NONDETERMINISM:
            return (self.status, self.kind, self.event, self.command, self.path, str(self.line))
        if self.status == FAILED:
            return (self.status, self.kind, self.path, str(self.line),
                    "" if self.path else self.message)
        return (self.status, self.message)

    def to_json(self) -> dict[str, Any]:
        """Plain data: for another process, the workflow's result, ``--json``."""
        return {"source": self.source, "status": self.status, "workflowId": self.workflow_id,
                "runId": self.run_id, "workflowType": self.workflow_type,
                "message": self.message, "hint": self.hint, "path": self.path,
                "line": self.line, "function": self.function, "kind": self.kind,
                "event": self.event, "command": self.command,
                "warnings": list(self.warnings), "eventId": self.event_id}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Outcome:
        """The inverse of :meth:`to_json`."""
        return cls(str(data["source"]), str(data["status"]), data.get("workflowId") or "",
                   data.get("runId") or "", data.get("workflowType") or "",
                   data.get("message") or "", data.get("hint") or "", data.get("path") or "",
                   int(data.get("line") or 0), data.get("function") or "",
                   data.get("kind") or "", data.get("event") or "", data.get("command") or "",
                   tuple(data.get("warnings") or ()), int(data.get("eventId") or 0))

    @classmethod
    def unusable(cls, source: str, err: ReplaydbgError) -> Outcome:
        """A history that could not be replayed at all (bad file, no workflow, setup)."""
        return cls(source, UNUSABLE, message=err.message, hint=err.hint or "")
