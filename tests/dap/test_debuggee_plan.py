"""The debuggee's side of the plan, over a real control channel (no debugger attached)."""

from __future__ import annotations

import threading
import time
from typing import Any

from replaydbg.dap import control
from replaydbg.dap.adapter.eventbp import PlannedStop
from replaydbg.dap.debuggee.stops import PlannedStops


def _session() -> tuple[list[dict[str, Any]], control.Channel, PlannedStops]:
    """A PlannedStops connected to a server that acks stops and records what it hears."""
    heard: list[dict[str, Any]] = []

    def on_message(channel: control.Channel, message: dict[str, Any]) -> None:
        heard.append(message)
        if message.get("type") == "stop":
            channel.send({"type": "ack", "id": message.get("id")})

    server = control.ControlServer(on_message)
    stops = PlannedStops(control.connect(server.address, server.token))
    deadline = time.monotonic() + 5
    while server.channel is None and time.monotonic() < deadline:
        time.sleep(0.01)
    assert server.channel is not None
    return heard, server.channel, stops


def _plan(*stops: PlannedStop, complete: bool) -> dict[str, Any]:
    return {"type": "plan", "id": 1, "stops": [s.to_json() for s in stops],
            "complete": complete}


def test_replay_is_held_where_only_the_complete_plan_can_decide() -> None:
    heard, channel, stops = _session()
    channel.send(_plan(PlannedStop(0, "job", 0, 1, "Event 1", reason="entry"), complete=False))
    stops.wait_for_plan(5)
    stops.after_job(0, 0, list)  # the preliminary entry stop: taken at once
    assert [m["stop"]["eventId"] for m in heard if m["type"] == "stop"] == [1]

    passed = threading.Event()
    threading.Thread(target=lambda: (stops.after_job(0, 1, list), passed.set()),
                     daemon=True).start()
    assert not passed.wait(0.5), "a job the preliminary plan cannot decide must wait"
    # The complete plan places the entry at the initialize job (position 1) and a stop at 7.
    channel.send(_plan(PlannedStop(0, "job", 1, 1, "Event 1", reason="entry"),
                       PlannedStop(1, "job", 0, 7, "Event 7"), complete=True))
    assert passed.wait(5)
    stops.after_job(1, 0, list)
    # Each plan is confirmed, so that the adapter can wait until one is in force.
    assert [m["id"] for m in heard if m["type"] == "done"] == [1, 1]
    # Event 1 was not stopped for twice; event 7 was stopped for.
    assert [m["stop"]["eventId"] for m in heard if m["type"] == "stop"] == [1, 7]


def test_a_pause_stops_at_the_next_job_even_while_waiting_for_the_map() -> None:
    heard, channel, stops = _session()
    channel.send(_plan(complete=False))
    stops.wait_for_plan(5)
    passed = threading.Event()
    threading.Thread(target=lambda: (stops.after_job(3, 1, list), passed.set()),
                     daemon=True).start()
    assert not passed.wait(0.3)
    channel.send({"type": "pause", "id": 2})
    assert passed.wait(5), "the pause wakes the held replay"
    (stop,) = [m["stop"] for m in heard if m["type"] == "stop"]
    assert (stop["activation"], stop["kind"], stop["position"], stop["reason"]) == (
        3, "job", 1, "pause")
