from __future__ import annotations

from typing import Any

import pytest

from replaydbg.dap.adapter.eventbp import NONDETERMINISM, EventPlan, parse_selector


def _event(event_id: int, kind: str, role: str, activation: int | None = None,
           position: int | None = None, subject: str = "") -> dict[str, Any]:
    return {"eventId": event_id, "eventType": kind, "role": role, "activation": activation,
            "position": position, "subject": subject, "resumed": role == "applied",
            "source": {"file": "w.py", "line": 3} if role == "command" else None}


EVENTS = [
    _event(1, "WorkflowExecutionStarted", "applied", 0, 0),
    _event(3, "WorkflowTaskStarted", "workflow-task", 0),
    _event(5, "ActivityTaskScheduled", "command", 0, 0, "a"),
    _event(6, "ActivityTaskStarted", "server"),
    _event(7, "ActivityTaskCompleted", "applied", 1, 0, "a"),
    _event(11, "ActivityTaskScheduled", "command", 1, 0, "b"),
    _event(13, "ActivityTaskCompleted", "applied", 2, 0, "b"),
]


@pytest.mark.parametrize("name, expected", [
    ("event:7", (7, None)), ("#7", (7, None)), (" 7 ", (7, None)),
    ("TimerFired", (None, "TimerFired")), ("EVENT_TYPE_TIMER_FIRED", (None, "TimerFired")),
])
def test_selectors(name: str, expected: tuple[int | None, str | None]) -> None:
    selector = parse_selector(name)
    assert (selector.event_id, selector.event_type) == expected


def test_unknown_name_is_rejected() -> None:
    with pytest.raises(ValueError, match="not a history event"):
        parse_selector("ActivityDone")


def test_breakpoints_are_split_into_verified_and_explained() -> None:
    plan = EventPlan(EVENTS, None)
    answer = plan.set_function_breakpoints([{"name": "#7"}, {"name": "#6"}, {"name": "#99"},
                                            {"name": "nope"}])
    assert [b["verified"] for b in answer] == [True, False, False, False]
    assert "no workflow code runs" in answer[1]["message"]
    assert "no such event" in answer[2]["message"]
    stops, problems = plan.stops()
    assert [(s.activation, s.kind, s.position, s.event_id) for s in stops] == [(1, "job", 0, 7)]
    assert stops[0].description == "Event 7 ActivityTaskCompleted (a)" and stops[0].resumed
    assert problems == []


def test_hit_counts_and_conditions_over_recorded_events() -> None:
    plan = EventPlan(EVENTS, None)
    plan.set_function_breakpoints([{"name": "ActivityTaskScheduled", "hitCondition": "2"},
                                   {"name": "ActivityTaskCompleted",
                                    "condition": "event_id > 10"}])
    stops, _ = plan.stops()
    assert [s.event_id for s in stops] == [11, 13]
    assert stops[0].kind == "command"


def test_filters_and_stop_on_entry() -> None:
    plan = EventPlan(EVENTS, None)
    plan.filters = {"temporal.workflowTask"}
    plan.stop_on_entry = True
    stops, _ = plan.stops()
    assert [(s.event_id, s.kind) for s in stops] == [(1, "job")]  # same point: one stop
    plan.filters = {"temporal.activity"}
    assert [s.event_id for s in plan.stops()[0]] == [1, 5, 7, 11, 13]


def test_divergence_becomes_an_exception_stop() -> None:
    divergence = {"activation": 1, "position": 0, "eventId": 11, "message": "history event 11"}
    plan = EventPlan(EVENTS, divergence)
    stops, _ = plan.stops()
    assert [(s.event_id, s.reason, s.text) for s in stops] == [
        (11, "exception", "history event 11")]
    plan.filters = set()  # the non-determinism filter unchecked
    assert plan.stops()[0] == []
    plan.filters = {NONDETERMINISM}


def test_bad_condition_is_reported_not_raised() -> None:
    plan = EventPlan(EVENTS, None)
    plan.set_function_breakpoints([{"name": "#7", "condition": "undefined_name"}])
    stops, problems = plan.stops()
    assert stops == [] and "failed" in problems[0]


def test_preliminary_plan_checks_the_history_alone_and_places_only_the_entry() -> None:
    types = ["WorkflowExecutionStarted", "WorkflowTaskScheduled", "WorkflowTaskStarted",
             "WorkflowTaskCompleted", "ActivityTaskScheduled", "ActivityTaskStarted",
             "ActivityTaskCompleted"]
    plan = EventPlan.preliminary(types)
    plan.stop_on_entry = True
    answer = plan.set_function_breakpoints([{"name": "#7"}, {"name": "#6"}, {"name": "#99"},
                                            {"name": "ActivityTaskScheduled"}])
    assert [b["verified"] for b in answer] == [True, False, False, True]
    assert "no workflow code runs" in answer[1]["message"]
    stops, _ = plan.stops()
    assert [(s.activation, s.kind, s.position, s.event_id, s.reason) for s in stops] == [
        (0, "job", 0, 1, "entry")]
    assert stops[0].description == "Event 1 WorkflowExecutionStarted"


def test_the_map_corrects_preliminary_verification() -> None:
    types = ["WorkflowExecutionStarted", "WorkflowTaskScheduled", "WorkflowTaskStarted",
             "WorkflowTaskCompleted", "ActivityTaskScheduled", "ActivityTaskStarted",
             "ActivityTaskCompleted", "MarkerRecorded"]
    plan = EventPlan.preliminary(types)
    answer = plan.set_function_breakpoints([{"name": "#7"}, {"name": "#8"}])
    assert [b["verified"] for b in answer] == [True, True]
    # Event 8 turns out to be written by the SDK with no user line: corrected, only it.
    changed = plan.map([*EVENTS, _event(8, "MarkerRecorded", "unmapped")], None)
    assert [(b["id"], b["verified"]) for b in changed] == [(answer[1]["id"], False)]
    assert plan.map([*EVENTS, _event(8, "MarkerRecorded", "unmapped")], None) == []
    assert [s.event_id for s in plan.stops()[0]] == [7]


def test_entry_stop_of_the_map_says_entry_unless_a_breakpoint_asks_too() -> None:
    plan = EventPlan(EVENTS, None)
    plan.stop_on_entry = True
    assert [(s.event_id, s.reason) for s in plan.stops()[0]] == [(1, "entry")]
    plan.set_function_breakpoints([{"name": "#1"}])
    assert [(s.event_id, s.reason) for s in plan.stops()[0]] == [(1, "breakpoint")]


def test_extending_batch_by_batch_plans_what_one_pass_over_the_map_plans() -> None:
    breakpoints = [{"name": "ActivityTaskCompleted", "hitCondition": "%2"},
                   {"name": "ActivityTaskScheduled", "hitCondition": ">1"}, {"name": "#5"}]
    whole = EventPlan(EVENTS, None)
    whole.set_function_breakpoints(breakpoints)
    expected = [s.to_json() for s in whole.stops()[0]]

    types = {e["eventId"]: e["eventType"] for e in EVENTS}
    partial = EventPlan.preliminary([types.get(i, "MarkerRecorded") for i in range(1, 14)])
    partial.set_function_breakpoints(breakpoints)
    assert partial.stops()[0] == []
    # As EventMapStream settles them: a task's events up to its start, and its commands.
    batches = [([1, 3, 5], 0), ([7, 11], 1), ([13], 2)]
    got = []
    for ids, through in batches:
        added = partial.extend([e for e in EVENTS if e["eventId"] in ids], through)
        assert all(s.activation <= through for s in added)
        got += [s.to_json() for s in added]
    assert got == expected
    assert [s.to_json() for s in partial.stops()[0]] == expected


def test_going_back_finds_the_previous_event_and_the_previous_planned_stop() -> None:
    plan = EventPlan(EVENTS, None)
    at_13 = (2, "job", 0)
    assert plan.previous_stoppable(at_13) == 11
    assert plan.previous_stoppable((1, "command", 0)) == 7
    assert plan.previous_stoppable((0, "job", 0)) is None
    assert plan.previous_stop(at_13) is None  # no breakpoints: nothing planned before
    plan.set_function_breakpoints([{"name": "#5"}, {"name": "#13"}])
    assert plan.previous_stop(at_13) == 5
    assert plan.next_stoppable((0, "job", 0)) == 5


def test_a_stop_past_a_point_counts_that_point_as_earlier() -> None:
    plan = EventPlan(EVENTS, None)
    # At a line after event 11's command was issued: going back reaches 11 itself.
    assert plan.previous_stoppable((1, "command", 0), inclusive=True) == 11
    assert plan.previous_stoppable((1, "command", 0)) == 7
    plan.set_function_breakpoints([{"name": "#7"}])
    assert plan.previous_stop((1, "job", 0), inclusive=True) == 7
    assert plan.previous_stop((1, "job", 0)) is None


def test_latest_reached_names_the_event_of_a_line_stop() -> None:
    events = [*EVENTS, _event(15, "WorkflowTaskStarted", "workflow-task", 3),
              _event(14, "WorkflowExecutionSignaled", "applied", 3, 0, "approve")]
    plan = EventPlan(sorted(events, key=lambda e: e["eventId"]), None)
    assert plan.latest_reached((1, "command", 0))["eventId"] == 11  # type: ignore[index]
    assert plan.latest_reached((1, "job", 0))["eventId"] == 7  # type: ignore[index]
    # The signal names the activation better than its WorkflowTaskStarted.
    assert plan.latest_reached((3, "job", 0))["eventId"] == 14  # type: ignore[index]
    assert EventPlan([], None).latest_reached((0, "job", 0)) is None


def test_next_event_names_an_update_not_the_task_that_delivered_it() -> None:
    """An update arrives with its task: its Accepted event comes after WorkflowTaskStarted."""
    started = _event(15, "WorkflowTaskStarted", "workflow-task", 3)
    accepted = {**_event(18, "WorkflowExecutionUpdateAccepted", "command", 3, None, "approve"),
                "source": None, "jobPosition": 0}
    plan = EventPlan([*EVENTS, started, accepted], None)
    assert plan.next_stoppable((2, "job", 0)) == 18
    # Back from a later point names it the same way.
    assert plan.previous_stoppable((4, "job", 0)) == 18
    # A task with nothing else to show is still named by its WorkflowTaskStarted.
    assert EventPlan([*EVENTS, started], None).next_stoppable((2, "job", 0)) == 15


def test_the_every_event_filter_names_the_update_too_unless_its_task_is_asked_for() -> None:
    started = _event(15, "WorkflowTaskStarted", "workflow-task", 3)
    accepted = {**_event(18, "WorkflowExecutionUpdateAccepted", "command", 3, None, "approve"),
                "source": None, "jobPosition": 0}
    plan = EventPlan([*EVENTS, started, accepted], None)
    plan.filters = {"temporal.event"}
    assert [s.event_id for s in plan.stops()[0]][-1] == 18
    plan.set_function_breakpoints([{"name": "event:15"}])
    assert [s.event_id for s in plan.stops()[0]][-1] == 15
    plan.filters = {"temporal.workflowTask"}
    plan.set_function_breakpoints([])
    assert [s.event_id for s in plan.stops()[0]][-1] == 15
