"""Which executions a shadow run replays: a visibility query, its shortcuts, and sampling."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from replaydbg.errors import InputError

#: ``--status`` values, as the visibility store spells ``ExecutionStatus``.
STATUSES = {"running": "Running", "completed": "Completed", "failed": "Failed",
            "canceled": "Canceled", "cancelled": "Canceled", "terminated": "Terminated",
            "continued-as-new": "ContinuedAsNew", "continuedasnew": "ContinuedAsNew",
            "timed-out": "TimedOut", "timedout": "TimedOut"}

_DURATION = re.compile(r"^(\d+(?:\.\d+)?)\s*([smhdw])$")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}


def parse_since(text: str, now: datetime | None = None) -> datetime:
    """``7d``, ``12h``, ``30m`` ago, or an ISO date/time (UTC when no zone is given)."""
    match = _DURATION.match(text.strip().lower())
    now = now or datetime.now(timezone.utc)
    if match:
        return now - timedelta(seconds=float(match.group(1)) * _UNITS[match.group(2)])
    try:
        when = datetime.fromisoformat(text.strip())
    except ValueError:
        raise InputError(f"--since {text!r} is neither a duration nor a date",
                         hint="give a duration such as 7d, 12h or 30m, or an ISO date such as "
                         "2026-11-30 or 2026-11-30T08:00:00+00:00") from None
    return when if when.tzinfo else when.replace(tzinfo=timezone.utc)


def status_name(text: str) -> str:
    """The visibility store's name of an execution status given on the command line."""
    name = STATUSES.get(text.strip().lower().replace("_", "-"))
    if name is None:
        raise InputError(f"--status {text!r} is not an execution status",
                         hint="one of: running, completed, failed, canceled, terminated, "
                         "continued-as-new, timed-out")
    return name


#: The shadowing workflow's own type (``--on-temporal``): its runs on the user's cluster are
#: replaydbg's, never shadowed.
SHADOW_WORKFLOW_TYPE = "replaydbg.Shadow"


def _quoted(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


@dataclass(frozen=True)
class Selection:
    """What to shadow; the shortcuts are ANDed with the query."""

    query: str | None = None
    workflow_types: tuple[str, ...] = ()
    since: datetime | None = None
    statuses: tuple[str, ...] = ()
    #: The share of matching executions replayed (0 < rate <= 1), the same ones every time.
    sample_rate: float = 1.0
    #: At most this many executions (after sampling); None: all.
    limit: int | None = None

    def __post_init__(self) -> None:
        if not 0 < self.sample_rate <= 1:
            raise InputError(f"--sample-rate {self.sample_rate} is not in (0, 1]",
                             hint="give the share of executions to replay, e.g. 0.1 for 10%")
        if self.limit is not None and self.limit < 1:
            raise InputError(f"--max {self.limit} selects nothing", hint="give 1 or more")

    def visibility_query(self) -> str:
        """The list filter sent to the server (what was asked for, but replaydbg's own runs)."""
        own = f"WorkflowType != {_quoted(SHADOW_WORKFLOW_TYPE)}"
        asked = self.asked()
        return f"{asked} AND {own}" if asked else own

    def quoted(self) -> str:
        """The query the options make, quoted for a message."""
        return repr(self.asked()) if self.asked() else "(no filter)"

    def asked(self) -> str:
        """The query the options make ('' for every execution), as messages quote it."""
        parts: list[str] = []
        if self.query:
            parts.append(f"({self.query})")
        if self.workflow_types:
            types = " OR ".join(f"WorkflowType = {_quoted(t)}" for t in self.workflow_types)
            parts.append(f"({types})" if len(self.workflow_types) > 1 else types)
        if self.since is not None:
            stamp = self.since.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
            parts.append(f"StartTime > {_quoted(stamp)}")
        if self.statuses:
            statuses = " OR ".join(f"ExecutionStatus = {_quoted(s)}" for s in self.statuses)
            parts.append(f"({statuses})" if len(self.statuses) > 1 else statuses)
        return " AND ".join(parts)

    def sampled(self, run_id: str) -> bool:
        """Whether this run is in the sample: a hash of the run id, so a re-run picks the same."""
        if self.sample_rate >= 1:
            return True
        digest = hashlib.sha256(run_id.encode()).digest()
        return int.from_bytes(digest[:8], "big") / 2**64 < self.sample_rate
