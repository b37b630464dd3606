"""A seeded random walk through a replay: every stop is checked against the event map.

The walk mixes what an editor user does — Continue, Step Over, Next Event, Step Back, Reverse
Continue, Pause (also while already paused), event breakpoints changed on the way — and sends
some moves without waiting for the stop of the one before. Whatever the order, every request
is answered, the session never goes deaf, and each stop the adapter makes for a history event
is the one its plan promises: a verified event breakpoint is always hit.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path
from typing import Any

import pytest

from replaydbg.dap.adapter.eventbp import EventPlan, stop_order, stop_point
from tests.support.dap_client import Adapter, end, wait_for

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
Point = tuple[int, str, int]


class Walk:
    """One adapter session on the orders example, and what the walk expects of it."""

    def __init__(self, adapter: Adapter, seed: int) -> None:
        self.adapter = adapter
        self.rng = random.Random(seed)
        self.seq = 100
        self.seen: list[dict[str, Any]] = []
        self.events: list[dict[str, Any]] = []
        self.breakpoints: list[int] = []
        self.thread = 1
        self.log: list[str] = []

    def tail(self) -> str:
        """The last steps of the walk, for a failure's message."""
        return "\n".join(self.log[-14:])

    def request(self, command: str, **arguments: Any) -> dict[str, Any]:
        self.seq += 1
        answer = self.adapter.request(self.seq, command, **arguments)
        self.log.append(f"{command} {arguments} -> {answer.get('success')} "
                        f"{answer.get('message') or answer.get('body') or ''}")
        return answer

    def send(self, command: str, **arguments: Any) -> int:
        self.seq += 1
        self.adapter.send(self.seq, command, **arguments)
        self.log.append(f"{command} {arguments} (not waiting)")
        return self.seq

    def next_stop(self) -> dict[str, Any] | None:
        """The next ``stopped`` (None when the replay ended instead)."""
        message = wait_for(self.adapter, lambda m: m.get("event") in ("stopped", "terminated")
                           and not any(m is s for s in self.seen), timeout=60)
        self.seen.append(message)
        if message["event"] == "terminated":
            self.log.append("terminated")
            return None
        body = message["body"]
        self.thread = body["threadId"]
        self.log.append(f"stopped: {body.get('description')}")
        return dict(body)

    def event_of(self, stop: dict[str, Any]) -> int | None:
        description = str(stop.get("description", ""))
        if description.startswith("Event "):
            return int(description.split()[1])
        return None

    def point_of(self, event_id: int) -> Point:
        point = stop_point(self.events[event_id - 1])
        assert point is not None, f"stopped at event {event_id}, which has no stop point"
        return point

    def plan(self) -> EventPlan:
        plan = EventPlan(self.events)
        plan.set_function_breakpoints([{"name": f"event:{i}"} for i in self.breakpoints])
        return plan

    def expect_continue(self, here: Point) -> int | None:
        """Where Continue from ``here`` must stop: the first breakpoint after it."""
        later = [s for s in self.plan().stops()[0] if s.reason == "breakpoint"
                 and stop_order((s.activation, s.kind, s.position)) > stop_order(here)]
        # stops() is in event order; the replay reaches them in stop order.
        return min(later, key=lambda s: stop_order((s.activation, s.kind, s.position))
                   ).event_id if later else None


def _start(adapter: Adapter, walk: Walk) -> dict[str, Any]:
    adapter.request(1, "initialize", adapterID="temporal-replay")
    adapter.send(2, "launch", historyFile="orders/history.json", cwd=str(EXAMPLES),
                 python=sys.executable, stopOnEntry=True)
    wait_for(adapter, lambda m: m.get("event") == "initialized")
    walk.events = walk.request("temporal/history")["body"]["events"]
    walk.request("configurationDone")
    stop = walk.next_stop()
    assert stop is not None and walk.event_of(stop) == 1
    return stop


def _check_same(walk: Walk, expected: int | None, stop: dict[str, Any] | None,
                move: str) -> None:
    got = walk.event_of(stop) if stop is not None else None
    assert got == expected, (f"{move}: expected event {expected}, got "
                             f"{stop and stop.get('description')}\n" + walk.tail())


@pytest.mark.parametrize("seed", [7, 2026, 31])
def test_a_random_walk_keeps_every_promise(seed: int) -> None:
    adapter = Adapter()
    walk = Walk(adapter, seed)
    try:
        stop: dict[str, Any] | None = _start(adapter, walk)
        stoppable = [e["eventId"] for e in walk.events if stop_point(e) is not None]
        here: Point | None = walk.point_of(1)
        for _ in range(40):
            move = walk.rng.choice(["continue", "nextEvent", "nextEvent", "stepBack",
                                    "reverseContinue", "breakpoints", "pause", "next",
                                    "hurried"])
            if move == "breakpoints":
                walk.breakpoints = sorted(walk.rng.sample(stoppable, walk.rng.randint(0, 3)))
                answer = walk.request("setFunctionBreakpoints",
                                      breakpoints=[{"name": f"event:{i}"}
                                                   for i in walk.breakpoints])
                assert all(b["verified"] for b in answer["body"]["breakpoints"]), walk.tail()
                continue
            if move == "pause":  # paused already: answered, and nothing else changes
                assert walk.request("pause", threadId=walk.thread)["success"]
                continue
            if here is None:  # after a line step: only the session's health is checked
                move = "nextEvent"
            if move == "continue" and walk.expect_continue(here) is None:
                # Keep the replay going: an event breakpoint ahead first, then Continue.
                ahead = [i for i in stoppable
                         if stop_order(walk.point_of(i)) > stop_order(here)]
                if ahead:
                    walk.breakpoints = sorted({*walk.breakpoints, walk.rng.choice(ahead)})
                    walk.request("setFunctionBreakpoints",
                                 breakpoints=[{"name": f"event:{i}"} for i in walk.breakpoints])
            if move == "continue":
                expected = walk.expect_continue(here)
                walk.request("continue", threadId=walk.thread)
                stop = walk.next_stop()
                _check_same(walk, expected, stop, move)
            elif move == "nextEvent":
                answer = walk.request("temporal/nextEvent", threadId=walk.thread)
                if not answer["success"]:
                    assert "no later history event" in answer["message"]
                    continue
                stop = walk.next_stop()
                _check_same(walk, answer["body"]["eventId"], stop, move)
            elif move in ("stepBack", "reverseContinue"):
                plan = walk.plan()
                expected = plan.previous_stoppable(here) if move == "stepBack" else \
                    plan.previous_stop(here) or plan.next_stoppable(None)
                answer = walk.request(move, threadId=walk.thread)
                if expected is None:
                    assert not answer["success"], walk.tail()
                    continue
                stop = walk.next_stop()
                _check_same(walk, expected, stop, move)
            elif move == "next":  # a line step: lands on a line, maybe not an event stop
                walk.request("next", threadId=walk.thread)
                stop = walk.next_stop()
                here = None
                continue
            else:  # "hurried": Step Back and, at once, Next Event: both answered, in order
                first = walk.send("stepBack", threadId=walk.thread)
                second = walk.send("temporal/nextEvent", threadId=walk.thread)
                back = adapter.response(first, timeout=30)
                forward = adapter.response(second, timeout=60)
                if back["success"]:
                    walk.next_stop()  # at the earlier event
                if forward["success"]:
                    stop = walk.next_stop()
                    _check_same(walk, forward["body"]["eventId"], stop, move)
                else:
                    assert "no later history event" in forward["message"], walk.tail()
            if stop is None:
                break  # the replay ran to its end, as the plan says it must
            event = walk.event_of(stop)
            here = walk.point_of(event) if event is not None else None
            assert walk.request("threads")["success"], walk.tail()  # never deaf
    finally:
        end(adapter)
