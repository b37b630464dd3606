"""A shadow run's report: totals, and what broke grouped by cause and line.

A thousand runs broken by one edit are one line of the report with a count and a few
example ids, not a thousand lines; the groups come biggest first.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from replaydbg.shadow.outcome import FAILED, NONDETERMINISM, OK, UNUSABLE, Outcome

#: Example executions named per group.
EXAMPLES = 3
_LABELS = {NONDETERMINISM: "NONDETERMINISM", FAILED: "FAILED", UNUSABLE: "UNUSABLE"}


@dataclass
class Group:
    """Outcomes broken the same way (see :attr:`Outcome.signature`)."""

    first: Outcome
    count: int = 0
    #: The outcomes kept: all of them in a local run, a few examples in a digest.
    outcomes: list[Outcome] = field(default_factory=list)

    def where(self, base: str | None = None) -> str:
        """``path:line (function)``, relative to ``base`` (default: the working directory)."""
        first = self.first
        if not first.path:
            return ""
        return f"{relative(first.path, base)}:{first.line} ({first.function})"

    def to_json(self, examples: int = EXAMPLES) -> dict[str, Any]:
        """A group of ``--json``."""
        first = self.first
        return {"status": first.status, "kind": first.kind, "count": self.count,
                "path": first.path, "line": first.line, "function": first.function,
                "event": first.event, "command": first.command, "message": first.message,
                "hint": first.hint,
                "examples": [{"source": o.source, "workflowId": o.workflow_id,
                              "runId": o.run_id} for o in self.outcomes[:examples]]}


def relative(path: str, base: str | None = None) -> str:
    """``path`` relative to ``base`` when inside it, else as it is."""
    try:
        shown = os.path.relpath(path, base or os.getcwd())
    except ValueError:
        return path
    return path if shown.startswith("..") else shown


@dataclass
class ShadowReport:
    """What a run found: totals, the groups of what broke, and (locally) every outcome.

    ``keep``: how many outcomes each group keeps (None: all, and every outcome is kept too,
    for a JUnit case per history). A run spread over a cluster keeps a few examples only:
    its report is a :meth:`digest` small enough to travel as a workflow's state and result.
    """

    keep: int | None = None
    interrupted: bool = False
    #: Histories fetched from the server, and taken from the cache, in this run.
    fetched: int = 0
    cached: int = 0
    outcomes: list[Outcome] = field(default_factory=list)
    _totals: dict[str, int] = field(default_factory=dict)
    _groups: dict[tuple[str, ...], Group] = field(default_factory=dict)

    def add(self, outcomes: list[Outcome]) -> None:
        """Outcomes of a batch."""
        for outcome in outcomes:
            self._totals[outcome.status] = self._totals.get(outcome.status, 0) + 1
            if self.keep is None:
                self.outcomes.append(outcome)
            if not outcome.ok:
                group = self._groups.setdefault(outcome.signature, Group(outcome))
                group.count += 1
                if self.keep is None or len(group.outcomes) < self.keep:
                    group.outcomes.append(outcome)

    @property
    def complete(self) -> bool:
        """Every outcome is kept (not a digest)."""
        return self.keep is None

    def totals(self) -> dict[str, int]:
        """Histories by outcome."""
        counts = {status: self._totals.get(status, 0)
                  for status in (OK, NONDETERMINISM, FAILED, UNUSABLE)}
        return {"histories": sum(self._totals.values()), "ok": counts[OK],
                "nondeterminism": counts[NONDETERMINISM], "failed": counts[FAILED],
                "unusable": counts[UNUSABLE]}

    def groups(self) -> list[Group]:
        """What broke, grouped; divergences first, then failures, then unusable, by count."""
        order = {NONDETERMINISM: 0, FAILED: 1, UNUSABLE: 2}
        return sorted(self._groups.values(),
                      key=lambda g: (order.get(g.first.status, 3), -g.count))

    @property
    def exit_code(self) -> int:
        """130 cut short; 1 any divergence or failure; 2 only unusable histories; else 0."""
        totals = self.totals()
        if self.interrupted:
            return 130
        if totals["nondeterminism"] or totals["failed"]:
            return 1
        return 2 if totals["unusable"] else 0

    def text(self) -> Iterator[str]:
        """The report for a terminal or a CI log."""
        totals = self.totals()
        cut = " (interrupted: a partial report)" if self.interrupted else ""
        yield (f"shadowed {_histories(totals['histories'])}{cut}: {totals['ok']:,} ok, "
               f"{totals['nondeterminism']:,} nondeterministic, {totals['failed']:,} failed, "
               f"{totals['unusable']:,} unusable")
        if self.fetched or self.cached:
            yield f"  fetched {self.fetched:,} histories, {self.cached:,} from the cache"
        shown: set[str] = set()
        for group in self.groups():
            yield ""
            yield from _group_lines(group, shown)

    def to_json(self) -> dict[str, Any]:
        """``--json``: totals, groups, and every history that did not replay (when kept)."""
        return {"summary": {**self.totals(), "interrupted": self.interrupted,
                            "fetched": self.fetched, "cached": self.cached},
                "groups": [g.to_json() for g in self.groups()],
                "problems": [o.to_json() for o in self.outcomes if not o.ok]}

    def digest(self) -> dict[str, Any]:
        """Totals and groups with their kept examples: a report to merge, send and print."""
        return {"totals": dict(self._totals), "interrupted": self.interrupted,
                "fetched": self.fetched, "cached": self.cached,
                "groups": [{"count": g.count, "outcomes": [o.to_json() for o in g.outcomes]}
                           for g in self._groups.values()]}

    @classmethod
    def from_digest(cls, data: dict[str, Any], keep: int = EXAMPLES) -> ShadowReport:
        """The inverse of :meth:`digest` (a report keeping ``keep`` examples a group)."""
        report = cls(keep=keep, interrupted=bool(data.get("interrupted")))
        report.merge(data)
        return report

    def merge(self, data: dict[str, Any]) -> None:
        """Add another digest's totals, fetch counts and groups to this report."""
        self.fetched += int(data.get("fetched") or 0)
        self.cached += int(data.get("cached") or 0)
        for status, count in (data.get("totals") or {}).items():
            self._totals[status] = self._totals.get(status, 0) + int(count)
        for raw in data.get("groups") or ():
            outcomes = [Outcome.from_json(o) for o in raw["outcomes"]]
            if not outcomes:
                continue
            group = self._groups.setdefault(outcomes[0].signature, Group(outcomes[0]))
            group.count += int(raw["count"])
            room = len(outcomes) if self.keep is None else self.keep - len(group.outcomes)
            group.outcomes.extend(outcomes[:max(0, room)])


def _group_lines(group: Group, shown: set[str]) -> Iterator[str]:
    """A group's lines; details already ``shown`` for another group are not repeated.

    A shadow run over a namespace meets many workflow types the scanned code does not
    define: each is a group, and each would list the same workflows found and the same hint.
    """
    first, where = group.first, group.where()
    label = _LABELS.get(first.status, first.status.upper())
    times = _histories(group.count)
    head = f"{label}  {times}"
    if first.status == FAILED and first.kind:
        head += f": {first.kind}"
    yield head + (f" at {where}" if where else "")
    head_line, *details = first.message.splitlines() or [""]
    repeated = "\n".join([*details, first.hint])
    yield f"    {head_line}"
    if details and repeated in shown:
        yield "    (what was found, and the hint: as above)"
    else:
        shown.add(repeated)
        yield from (f"    {line}" for line in details)  # a multi-line message keeps its nesting
        if first.hint:
            yield f"    hint: {first.hint}"
    examples = ", ".join(_name(o) for o in group.outcomes[:EXAMPLES])
    more = f" and {group.count - EXAMPLES:,} more" if group.count > EXAMPLES else ""
    yield f"    e.g. {examples}{more}"


def _name(outcome: Outcome) -> str:
    if outcome.workflow_id and outcome.run_id and not outcome.source.startswith("workflow "):
        return f"{outcome.source} (workflow {outcome.workflow_id})"
    return outcome.source


def _histories(count: int) -> str:
    return "1 history" if count == 1 else f"{count:,} histories"
