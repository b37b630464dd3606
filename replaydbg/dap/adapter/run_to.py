"""Run to one history event, forward or back (the history view's "Run to This Event").

The replay is deterministic, so which way an event lies from the current stop is known from
the event map alone: later in replay order, the replay continues to it (a one-shot stop, as
``temporal/nextEvent``); earlier, or at the current point once the replay has moved past it
(a stop at a line after it), it goes back (a replay started again, as Step Back).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from replaydbg.dap.adapter.eventbp import EventPlan, stop_order, stop_point
from replaydbg.errors import ReplaydbgError

Way = Literal["forward", "back", "here"]


def way_to(plan: EventPlan, event_id: int, stop: Mapping[str, Any] | None) -> Way:
    """Which way event ``event_id`` lies from ``stop`` (the current stop, if any).

    Raises ReplaydbgError when the history has no such event or no workflow code runs for it.
    """
    if not 1 <= event_id <= len(plan.events):
        raise ReplaydbgError(f"this history has no event {event_id} (it has "
                             f"{len(plan.events)})")
    event = plan.events[event_id - 1]
    target = stop_point(event)
    if target is None:
        raise ReplaydbgError(f"no workflow code runs for event {event_id} "
                             f"({event['eventType']}): run to the event after it")
    if stop is None or stop.get("activation") is None:
        return "forward"  # no stop on a history event yet: the replay is before everything
    here = (int(stop["activation"]), str(stop["kind"]), int(stop["position"]))
    if stop_order(target) > stop_order(here):
        return "forward"
    if stop_order(target) < stop_order(here) or stop.get("located"):
        return "back"
    return "here"
