"""Breakpoints on history events: parsing, filters, and the plan of where to stop.

The replay is deterministic, so every stop is known before the debuggee reaches it: the
adapter turns function breakpoints (``event:7``, ``#7``, ``ActivityTaskCompleted``) and the
Temporal exception filters into a list of *stop points* — (activation, job or command,
position) in the event map — and hands that list to the debuggee. Hit counts and conditions
are decided here too, over the recorded events, so nothing is evaluated inside the workflow.

The event map is made in the background while the session runs, and arrives task by task
(:meth:`EventPlan.extend`): the plan is final for activations up to ``through``. Before that
it knows the entry stop, which is always after the first job; breakpoints are checked against
the history alone until the whole map is in (:meth:`EventPlan.map`), then corrected with
``breakpoint`` events.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

NONDETERMINISM = "temporal.nondeterminism"
TASK_FAILURE = "temporal.taskFailure"
WORKFLOW_FAILURE = "temporal.workflowFailure"

#: The exception-breakpoint filters an editor shows as checkboxes.
FILTERS: list[dict[str, Any]] = [
    {"filter": NONDETERMINISM, "label": "Temporal: non-determinism", "default": True,
     "description": "Stop at the line whose command the history contradicts"},
    {"filter": TASK_FAILURE, "label": "Temporal: workflow task failure", "default": True,
     "description": "Stop at the line whose raise fails a workflow task (a stuck workflow), "
     "or where a task spins without yielding"},
    {"filter": WORKFLOW_FAILURE, "label": "Temporal: workflow failure", "default": False,
     "description": "Stop at the line whose raise fails the workflow"},
    {"filter": "temporal.event", "label": "Temporal: every history event", "default": False},
    {"filter": "temporal.workflowTask", "label": "Temporal: workflow task started",
     "default": False},
    {"filter": "temporal.activity", "label": "Temporal: activity events", "default": False},
    {"filter": "temporal.timer", "label": "Temporal: timer events", "default": False},
    {"filter": "temporal.signal", "label": "Temporal: signals", "default": False},
    {"filter": "temporal.update", "label": "Temporal: updates", "default": False},
    {"filter": "temporal.child", "label": "Temporal: child workflows", "default": False},
    {"filter": "temporal.command", "label": "Temporal: commands issued", "default": False},
]
FILTER_IDS = frozenset(f["filter"] for f in FILTERS)
_BY_ID = re.compile(r"^\s*(?:event\s*:\s*|#)?(\d+)\s*$", re.IGNORECASE)


@functools.cache
def _event_types() -> frozenset[str]:
    """Every event type's PascalCase name.

    Read from the SDK's protos at the first breakpoint by type, not at import: the adapter
    imports this module before it answers ``initialize``, and the SDK takes ~0.15 s to import.
    """
    from temporalio.api.enums.v1 import EventType

    return frozenset("".join(p.capitalize() for p in name[len("EVENT_TYPE_"):].split("_"))
                     for name in EventType.keys() if name != "EVENT_TYPE_UNSPECIFIED")


def _no_code(event_type: str) -> bool:
    """Whether no workflow code ever runs for this event type (the replay engine knows)."""
    from replaydbg.replay.eventmap import NO_CODE_EVENT_TYPES  # the SDK with it: see above

    return event_type in NO_CODE_EVENT_TYPES


def _filter_matches(name: str, event: Mapping[str, Any]) -> bool:
    kind, role = event["eventType"], event["role"]
    matched: bool = {
        "temporal.event": True,
        "temporal.workflowTask": kind == "WorkflowTaskStarted",
        "temporal.activity": kind.startswith("ActivityTask"),
        "temporal.timer": kind.startswith("Timer"),
        "temporal.signal": "Signal" in kind,
        "temporal.update": "Update" in kind,
        "temporal.child": "ChildWorkflow" in kind,
        # Issued by a line of code: not an update's acceptance, which the SDK answers.
        "temporal.command": role == "command" and bool(event.get("source")),
        WORKFLOW_FAILURE: kind == "WorkflowExecutionFailed" and bool(event.get("source")),
    }.get(name, False)
    return matched


@dataclass(frozen=True)
class EventSelector:
    """What one function breakpoint names: an event id or an event type."""

    event_id: int | None = None
    event_type: str | None = None

    def matches(self, event: Mapping[str, Any]) -> bool:
        """True for the events this selector names."""
        if self.event_id is not None:
            return bool(event["eventId"] == self.event_id)
        return bool(event["eventType"] == self.event_type)


def parse_selector(name: str) -> EventSelector:
    """``event:7``, ``#7``, ``7``, ``ActivityTaskCompleted`` or ``EVENT_TYPE_TIMER_FIRED``."""
    found = _BY_ID.match(name)
    if found:
        return EventSelector(event_id=int(found.group(1)))
    text = name.strip()
    if text.upper().startswith("EVENT_TYPE_"):
        text = "".join(p.capitalize() for p in text[len("EVENT_TYPE_"):].split("_"))
    if text in _event_types():
        return EventSelector(event_type=text)
    raise ValueError(f"{name!r} is not a history event: use event:ID, #ID or an event type "
                     "such as ActivityTaskCompleted")


def _hit(condition: str | None, count: int) -> bool:
    """DAP hit conditions: ``N`` / ``==N`` (the Nth hit), ``>N``, ``>=N``, ``%N``."""
    if not condition:
        return True
    found = re.match(r"^\s*(==|>=|>|%)?\s*(\d+)\s*$", condition)
    if not found:
        raise ValueError(f"hit count {condition!r}: use N, >N, >=N or %N")
    op, number = found.group(1) or "==", int(found.group(2))
    return {"==": count == number, ">": count > number, ">=": count >= number,
            "%": number > 0 and count % number == 0}[op]


def _condition(expression: str | None, event: Mapping[str, Any]) -> bool:
    """Evaluate a condition over the event (``event_id``, ``event_type``, ``role``...)."""
    if not expression:
        return True
    names = {"event_id": event["eventId"], "event_type": event["eventType"],
             "role": event["role"], "details": event.get("details", ""), "event": event}
    try:
        return bool(eval(expression, {"__builtins__": {}}, names))  # noqa: S307 - no builtins
    except Exception as err:  # a bad condition is reported, not raised
        raise ValueError(f"condition {expression!r} failed: {err}") from None


@dataclass
class PlannedStop:
    """One place the debuggee stops, and what to tell the editor when it does."""

    activation: int
    kind: str  # "job" or "command"
    position: int
    event_id: int
    description: str
    reason: str = "breakpoint"
    text: str = ""
    breakpoint_ids: list[int] = field(default_factory=list)
    #: The stop is where a suspended coroutine resumes (Python 3.11 stops one line early).
    resumed: bool = False
    #: For an exception stop: ``NondeterminismError``, ``WorkflowTaskFailed``,
    #: ``WorkflowDeadlock`` or ``WorkflowFailed``.
    exception_id: str = ""
    #: For a failure stop: the exception's type and the user-only traceback, as text.
    type_name: str = ""
    stack_trace: str = ""

    def to_json(self) -> dict[str, Any]:
        """The form the debuggee receives."""
        return {"activation": self.activation, "kind": self.kind, "position": self.position,
                "eventId": self.event_id, "description": self.description,
                "reason": self.reason, "text": self.text,
                "breakpointIds": self.breakpoint_ids, "resumed": self.resumed,
                "exceptionId": self.exception_id, "typeName": self.type_name,
                "stackTrace": self.stack_trace}


def stop_point(event: Mapping[str, Any]) -> tuple[int, str, int] | None:
    """Where to stop for an event, or None when no workflow code runs for it."""
    activation, position = event.get("activation"), event.get("position")
    if activation is None:
        return None
    if event["role"] == "command" and position is not None and event.get("source") \
            and event.get("issued", "line"):
        return activation, "command", position
    if not event.get("codeRuns", True):
        return None  # its job wakes no workflow code in its activation
    landing = event.get("stopPosition")
    if event["role"] == "command" and event.get("jobPosition") is not None:
        # e.g. an update's handler
        return activation, "job", int(landing if landing is not None else event["jobPosition"])
    if event["role"] == "applied" and position is not None:
        return activation, "job", int(landing if landing is not None else position)
    if event["eventType"] == "WorkflowTaskStarted":
        return activation, "job", int(landing or 0)
    return None


def _names_its_point(event: Mapping[str, Any]) -> bool:
    """Whether ``event`` names its stop point better than the task's WorkflowTaskStarted.

    Every job of a task shares the WorkflowTaskStarted's point; an event applied to the
    workflow there (a signal, an update accepted after the task started) says what it is.
    """
    return bool(event["eventType"] != "WorkflowTaskStarted")


_KIND_ORDER = {"job": 0, "command": 1, "failure": 2}


def stop_order(point: tuple[int, str, int]) -> tuple[int, int, int]:
    """Replay order of stop points: activation by activation, jobs, commands, a failure."""
    return point[0], _KIND_ORDER.get(point[1], 1), point[2]


def _before(point: tuple[int, str, int], current: tuple[int, str, int],
            inclusive: bool) -> bool:
    if inclusive:
        return stop_order(point) <= stop_order(current)
    return stop_order(point) < stop_order(current)


def _resumed_activations(events: Iterable[Mapping[str, Any]]) -> set[int]:
    """Activations in which a job resumed a suspended coroutine.

    A job stop lands on the first user line that runs once the jobs of its batch are applied
    (see the map's ``stopPosition``): where a coroutine resumes, if a job resumed one (the
    adapter then checks the line; some Pythons stop one line early there).
    """
    return {int(e["activation"]) for e in events if e.get("resumed")}


def describe(event: Mapping[str, Any]) -> str:
    """``Event 7 ActivityTaskCompleted (compose_greeting)``."""
    subject = event.get("subject") or ""
    return f"Event {event['eventId']} {event['eventType']}" + (f" ({subject})" if subject
                                                                 else "")


#: Where the entry stop is before the event map is known: after the first job of the first
#: activation. The jobs of a batch are applied before the code they wake runs, so this lands
#: on the same user line as a stop after the ``initialize_workflow`` job itself.
ENTRY_POINT: tuple[int, str, int] = (0, "job", 0)


class EventPlan:
    """The event breakpoints and filters of a session, over one event map.

    ``complete`` is False while some of ``events`` only have their id and type (see the
    module docstring); the stops are final for activations up to ``through``.
    """

    def __init__(self, events: Sequence[Mapping[str, Any]],
                 divergence: Mapping[str, Any] | None = None, *, complete: bool = True) -> None:
        self.events = list(events)
        self.divergence = divergence
        #: The report's ``taskFailure`` (replay/task_failure.py), once the map is complete.
        self.task_failure: Mapping[str, Any] | None = None
        self.complete = complete
        #: The last activation whose stops are final (all of them once ``complete``).
        self.through = -1
        self.function_breakpoints: list[tuple[int, EventSelector, dict[str, Any]]] = []
        self.filters: set[str] = {f["filter"] for f in FILTERS if f["default"]}
        self.stop_on_entry = False
        #: A stop for one event only (``temporal/nextEvent``), dropped once reached.
        self.one_shot: int | None = None
        self._next_id = 1_000_000  # far from debugpy's breakpoint ids
        self._answers: dict[int, dict[str, Any]] = {}
        #: Hits per function breakpoint over the events planned so far.
        self._counts: dict[int, int] = {}

    @classmethod
    def preliminary(cls, event_types: Sequence[str]) -> EventPlan:
        """A plan over the history alone (event types in event order), before the map."""
        events = [{"eventId": index, "eventType": name, "role": "", "subject": ""}
                  for index, name in enumerate(event_types, start=1)]
        return cls(events, complete=False)

    def extend(self, events: Sequence[Mapping[str, Any]], through: int) -> list[PlannedStop]:
        """Take final mappings for the events of activations up to ``through``.

        Returns the stops they add to the last :meth:`stops`, without planning the rest
        again. Hit counts carry on where they were: the events one breakpoint selects all
        have one type, so they settle in id order (see EventMapStream).
        """
        for event in events:
            self.events[int(event["eventId"]) - 1] = event
        self.through = max(self.through, through)
        planned: dict[tuple[int, str, int], PlannedStop] = {}
        self._plan_events(sorted(events, key=lambda e: int(e["eventId"])), planned, [])
        return sorted(planned.values(), key=lambda s: s.event_id)

    def map(self, events: Sequence[Mapping[str, Any]], divergence: Mapping[str, Any] | None,
            task_failure: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
        """Take the whole event map; returns the breakpoints whose verification changed."""
        self.events, self.divergence, self.complete = list(events), divergence, True
        self.task_failure = task_failure
        changed = []
        for bp_id, selector, _ in self.function_breakpoints:
            answer = self._verify(bp_id, selector)
            if answer != self._answers.get(bp_id):
                self._answers[bp_id] = answer
                changed.append(answer)
        return changed

    def set_function_breakpoints(self, requested: Iterable[Mapping[str, Any]]) -> list[Any]:
        """Replace the function breakpoints; returns DAP Breakpoint objects, in order."""
        self.function_breakpoints = []
        answer = []
        for bp in requested:
            self._next_id += 1
            try:
                selector = parse_selector(str(bp.get("name", "")))
            except ValueError as err:
                answer.append({"id": self._next_id, "verified": False, "message": str(err)})
                continue
            self.function_breakpoints.append((self._next_id, selector, dict(bp)))
            verified = self._answers[self._next_id] = self._verify(self._next_id, selector)
            answer.append(verified)
        return answer

    def _verify(self, bp_id: int, selector: EventSelector) -> dict[str, Any]:
        matching = [e for e in self.events if selector.matches(e)]
        if not matching:
            return {"id": bp_id, "verified": False,
                    "message": "this history has no such event"}
        if not any(stop_point(e) for e in matching) if self.complete else \
                all(_no_code(e["eventType"]) for e in matching):
            return {"id": bp_id, "verified": False, "message": _no_stop_reason(matching)}
        return {"id": bp_id, "verified": True}

    def stops(self) -> tuple[list[PlannedStop], list[str]]:
        """All planned stops in event order, and problems with conditions to report.

        Until the map is complete: the final stops of the mapped activations, and the entry.
        """
        planned: dict[tuple[int, str, int], PlannedStop] = {}
        problems: list[str] = []
        self._counts = {}
        self._plan_events(self.events, planned, problems)
        first = self.events[0] if self.events else None
        if self.stop_on_entry and first is not None and stop_point(first) is None \
                and not self.complete:
            planned[ENTRY_POINT] = PlannedStop(*ENTRY_POINT, 1, describe(first), reason="entry")
        if self.complete:
            self._plan_divergence(planned)
            self._plan_task_failure(planned)
        return sorted(planned.values(), key=lambda s: s.event_id), problems

    def previous_stoppable(self, current: tuple[int, str, int], *,
                           inclusive: bool = False) -> int | None:
        """The last event whose stop point the replay reaches before ``current``.

        ``inclusive``: the replay stopped past ``current`` (at a line after it), so the event
        at ``current`` itself is earlier too.
        """
        # Of the events that share the stop point, name it as latest_reached does.
        earlier = [(stop_order(point), _names_its_point(event),
                    int(event["eventId"])) for event in self.events
                   if (point := stop_point(event)) is not None
                   and _before(point, current, inclusive)]
        return max(earlier)[2] if earlier else None

    def previous_stop(self, current: tuple[int, str, int], *,
                      inclusive: bool = False) -> int | None:
        """The last planned stop (breakpoint or filter) before ``current``, if any."""
        earlier = [s for s in self.stops()[0]
                   if _before((s.activation, s.kind, s.position), current, inclusive)]
        if not earlier:
            return None
        return max(earlier, key=lambda s: stop_order((s.activation, s.kind, s.position))).event_id

    def latest_reached(self, point: tuple[int, str, int]) -> Mapping[str, Any] | None:
        """The last event whose stop point is at or before ``point`` (mapped events only).

        At one point, an event applied to the workflow (a signal, a fired timer) names it
        better than the WorkflowTaskStarted of its activation.
        """
        best: tuple[tuple[int, int, int], bool, int] | None = None
        found: Mapping[str, Any] | None = None
        for event in self.events:
            at = stop_point(event)
            if at is None or stop_order(at) > stop_order(point):
                continue
            key = (stop_order(at), _names_its_point(event),
                   int(event["eventId"]))
            if best is None or key > best:
                best, found = key, event
        return found

    def _plan_events(self, events: Iterable[Mapping[str, Any]],
                     planned: dict[tuple[int, str, int], PlannedStop],
                     problems: list[str]) -> None:
        """Add the stops for ``events`` (in id order), counting hits on from ``_counts``.

        ``events`` hold whole activations (all of the map, or a batch of settled tasks).
        """
        events = list(events)
        resumed = _resumed_activations(events)
        #: Stops named by a WorkflowTaskStarted: a later event at the point names them better.
        by_task: set[tuple[int, str, int]] = set()
        for event in events:
            point = stop_point(event)
            if point is None:
                continue
            ids = self._matching_breakpoints(event, self._counts, problems)
            at_entry = self.stop_on_entry and event["eventId"] == 1
            asked = self._filtered(event) or ids or event["eventId"] == self.one_shot
            if asked or at_entry:
                names_it = _names_its_point(event)
                if point in by_task and names_it:  # e.g. the update its task delivered
                    by_task.discard(point)
                    planned[point].event_id = event["eventId"]
                    planned[point].description = describe(event)
                elif point not in planned and not names_it and not ids \
                        and event["eventId"] != self.one_shot:  # not asked for by its id
                    by_task.add(point)
                stop = planned.setdefault(point, PlannedStop(
                    *point, event["eventId"], describe(event),
                    reason="entry", resumed=point[0] in resumed and point[1] == "job"))
                if asked:
                    stop.reason = "breakpoint"
                stop.breakpoint_ids.extend(ids)
                if WORKFLOW_FAILURE in self.filters and _filter_matches(WORKFLOW_FAILURE, event):
                    _as_workflow_failure(stop, event)

    def next_stoppable(self, current: tuple[int, str, int] | None) -> int | None:
        """The first event whose stop point the replay reaches after ``current``.

        Points run in replay order: activation by activation, a task's jobs before the
        commands its code issues. Events at the current point have already passed. Needs the
        event map. Of the events that share that point, one applied to the workflow (an
        update accepted after its task started) names it better than the WorkflowTaskStarted
        of its activation, as in :meth:`latest_reached`.
        """
        best: tuple[tuple[int, int, int], bool, int] | None = None
        for event in self.events:
            point = stop_point(event)
            if point is None or (current is not None
                                 and stop_order(point) <= stop_order(current)):
                continue
            key = (stop_order(point), not _names_its_point(event),
                   int(event["eventId"]))
            if best is None or key < best:
                best = key
        return best[2] if best is not None else None

    def _matching_breakpoints(self, event: Mapping[str, Any], counts: dict[int, int],
                              problems: list[str]) -> list[int]:
        ids = []
        for bp_id, selector, raw in self.function_breakpoints:
            if not selector.matches(event):
                continue
            try:
                if not _condition(raw.get("condition"), event):
                    continue
                counts[bp_id] = counts.get(bp_id, 0) + 1
                if _hit(raw.get("hitCondition"), counts[bp_id]):
                    ids.append(bp_id)
            except ValueError as err:
                problems.append(str(err))
        return ids

    def _filtered(self, event: Mapping[str, Any]) -> bool:
        return any(_filter_matches(name, event) for name in self.filters)

    def _plan_task_failure(self, planned: dict[tuple[int, str, int], PlannedStop]) -> None:
        """A stop at the raise that fails a workflow task (see the debuggee's post mortem)."""
        check = self.task_failure
        replayed = check.get("replayed") if check else None
        if TASK_FAILURE not in self.filters or not replayed:
            return
        activation = (self.divergence or {}).get("activation")
        if activation is None:
            return
        point = (int(activation), "failure", 0)
        event = self.latest_reached(point)
        deadlock = bool(replayed.get("deadlock"))
        kind = replayed.get("type") or "an exception"
        stop = planned[point] = PlannedStop(
            *point, int(event["eventId"]) if event else 0,
            "Deadlock: the workflow task never yields" if deadlock
            else f"Workflow task failed: {kind}", reason="exception",
            exception_id="WorkflowDeadlock" if deadlock else "WorkflowTaskFailed",
            type_name=str(kind))
        hint = f"\nhint: {check['hint']}" if check and check.get("hint") else ""
        stop.text = f"{replayed.get('message') or kind}\nhistory: {check.get('summary')}{hint}" \
            if check else ""
        stop.stack_trace = _traceback_text(replayed.get("traceback") or [])

    def _plan_divergence(self, planned: dict[tuple[int, str, int], PlannedStop]) -> None:
        divergence = self.divergence
        if NONDETERMINISM not in self.filters or not divergence:
            return
        if divergence.get("kind") == "task-failure" and self.task_failure:
            return  # planned as a task failure, at the raising line
        activation, position = divergence.get("activation"), divergence.get("position")
        if activation is None:
            return
        kind = "command" if position is not None else "job"
        point = (activation, kind, position if position is not None else 0)
        event_id = divergence.get("eventId") or 0
        if point not in planned:
            # A missing command stops after the activation's jobs, like an event stop there.
            resumed = kind == "job" and activation in _resumed_activations(self.events)
            planned[point] = PlannedStop(*point, event_id, "", resumed=resumed)
        stop = planned[point]
        stop.reason = "exception"
        # The code raised (no command disagrees): a workflow task failure, not non-determinism.
        failed = divergence.get("kind") == "task-failure"
        stop.description = "Workflow task failed" if failed else "Non-determinism"
        stop.exception_id = "WorkflowTaskFailed" if failed else "NondeterminismError"
        stop.text = str(divergence.get("message", ""))


def _no_stop_reason(events: Sequence[Mapping[str, Any]]) -> str:
    """Why none of ``events`` (all of one breakpoint) has a place to stop."""
    if any(not e.get("codeRuns", True) for e in events):
        return ("no workflow code runs when this event is applied: the code it wakes waits "
                "for more (e.g. the other results of an asyncio.gather); break on the event "
                "that resumes it")
    caused = next((e for e in events if e["role"] == "command" and e.get("source")), None)
    if caused is None:
        return ("no workflow code runs for this event (it is written by the server or a "
                "worker); break on the event after it")
    line = caused["source"]
    return (f"no workflow code runs when this command is issued: the SDK issues it on its own "
            f"(e.g. a cancellation, requested when the cancelled task runs next), because of "
            f"{Path(line['file']).name}:{line['line']} ({line['function']}); put a line "
            "breakpoint there, or break on the event before or after it")


def _as_workflow_failure(stop: PlannedStop, event: Mapping[str, Any]) -> None:
    """A WorkflowExecutionFailed stop is an exception stop at the raise (see the debuggee)."""
    stop.reason = "exception"
    stop.exception_id = "WorkflowFailed"
    stop.description = f"Workflow failed: {describe(event)}"
    stop.text = str(event.get("details") or "")


def _traceback_text(frames: Sequence[Mapping[str, Any]]) -> str:
    """A user-only traceback, most recent call last, as Python prints one."""
    return "".join(f'  File "{f["file"]}", line {f["line"]}, in {f["function"]}\n'
                   for f in frames)
