"""Keep the debuggee's stop plan in step with the session's, and hear what the debuggee says.

The session's plan changes as breakpoints change and as the event map arrives (task by task,
then whole); the debuggee gets each change over the control channel, in order, and only
after it has the history. The debuggee in turn says hello, announces each stop before it
makes it, answers where the replay is, and reports its outcome.
"""

from __future__ import annotations

from typing import Any

from replaydbg.dap.adapter.config import in_launch_terms
from replaydbg.dap.adapter.debuggee_link import DebuggeeLink
from replaydbg.dap.adapter.eventbp import describe, stop_point
from replaydbg.dap.adapter.mapping import MapResult
from replaydbg.dap.adapter.protocol import Message
from replaydbg.dap.adapter.state import SessionState


class PlanSync:
    """The conversation with the session's debuggee about the plan and its stops."""

    def __init__(self, session: SessionState) -> None:
        self._session = session

    def new_link(self) -> DebuggeeLink:
        """The control channel a new debuggee will connect to."""
        return DebuggeeLink(on_hello=self._on_hello, on_stop=self.on_stop,
                            on_result=self.on_result)

    def send_plan(self, *, wait: bool = False) -> None:
        """Send the whole plan (it replaces the debuggee's); ``wait`` until it is applied."""
        session = self._session
        with session.plan_lock:
            plan, link = session.plan, session.link
            if link is None or not session.debuggee_ready or plan is None:
                return
            stops, problems = plan.stops()
            target = session.going_back.target
            if target is not None:  # going back: nothing on the way stops it
                stops = [s for s in stops if s.event_id == target]
            for problem in problems:
                session.proxy.send_event("output", {"category": "stderr",
                                                    "output": f"{problem}\n"})
            link.call({"type": "plan", "stops": [s.to_json() for s in stops],
                       "complete": plan.complete, "through": plan.through}, wait=wait)

    def on_mapped(self, events: list[dict[str, Any]], through: int) -> None:
        """A batch of the map: the debuggee may now run up to activation ``through``."""
        session = self._session
        with session.plan_lock:
            plan, link = session.plan, session.link
            if plan is None or plan.complete:
                return
            added = plan.extend(events, through)
            if link is not None and session.debuggee_ready:
                link.call({"type": "plan", "stops": [s.to_json() for s in added],
                           "complete": False, "through": through, "merge": True}, wait=False)

    def on_map_complete(self, result: MapResult) -> None:
        """The whole map: verify breakpoints again and send the final plan."""
        session = self._session
        assert session.plan is not None
        with session.plan_lock:
            session.map_result = result
            changed = session.plan.map(result.report["events"], result.report["divergence"],
                                       result.report.get("taskFailure"))
            for breakpoint in changed:
                session.proxy.send_event("breakpoint", {"reason": "changed",
                                                        "breakpoint": breakpoint})
            self.send_plan()

    def reached(self) -> tuple[int, str, int] | None:
        """The last job or command point the replay reached (None: none yet, or no debuggee)."""
        session = self._session
        link = session.link
        if link is None or session.plan is None or not link.connected \
                or not session.debuggee_ready:
            return None
        reply = link.call({"type": "where"}, timeout=1.0)
        point = reply.get("point") if reply else None
        if not point:
            return None  # no workflow code ran yet (e.g. a breakpoint at import time)
        activation, kind, position = point
        return int(activation), str(kind), int(position)

    def locate(self) -> Message | None:
        """The latest history event the replay reached, for a stop the plan did not make."""
        session = self._session
        plan = session.plan
        point = self.reached()
        if point is None or plan is None:
            return None
        activation, kind, position = point
        with session.plan_lock:
            event = plan.latest_reached((activation, kind, position))
        if event is None:
            return None
        return {"activation": activation, "kind": kind, "position": position,
                "eventId": event["eventId"], "description": describe(event), "located": True}

    # -- what the debuggee says -----------------------------------------------------------

    def _on_hello(self, message: Message) -> None:
        session = self._session
        session.launcher.loaded.wait()
        if session.history is None or session.link is None:
            return  # it failed to load: the session is ending
        with session.plan_lock:  # the history, then the first plan; only then any other plan
            session.link.call(session.launcher.history_message(), wait=False)
            session.debuggee_ready = True
            self.send_plan()

    def on_stop(self, stop: Message) -> None:
        """The debuggee announces a stop it is about to make."""
        session = self._session
        if stop.get("reason") == "pause":
            stop = self._describe_pause(stop)
        session.stops.announce(stop)
        if stop.get("reason") == "entry" and session.plan is not None:
            with session.plan_lock:
                session.plan.stop_on_entry = False  # taken: later plans no longer have it

    def _describe_pause(self, stop: Message) -> Message:
        """Name the event a pause landed at, when the map knows it already."""
        session = self._session
        point = (stop.get("activation"), stop.get("kind"), stop.get("position"))
        with session.plan_lock:
            events = session.plan.events if session.plan is not None else []
            event = next((e for e in events if stop_point(e) == point), None)
        if event is None:
            return stop
        return {**stop, "eventId": event["eventId"], "description": f"Paused: {describe(event)}"}

    def on_result(self, message: Message) -> None:
        """The debuggee reports how the replay ended."""
        session = self._session
        status = message.get("status")
        if status == "error":
            # It could not start (no such workflow, a plugin that does not import...): said
            # once, whether it or the mapping run says it first, and the launch is answered.
            session.launcher.fail(str(message.get("message", "")))
            return
        if session.history is None:
            session.proxy.send_event("output", {
                "category": "important",
                "output": f"replay {status}: {in_launch_terms(message.get('message', ''))}\n"})
            return
        report = session.map_result.report if session.map_result is not None else None
        said = in_launch_terms(message.get("message", ""))
        summary = replay_summary(str(status), said, len(session.history.events), report)
        # The Debug Console shows how the replay ended (with the SDK's words when the map
        # put it in the user's); a history view shows it too.
        console = summary + (f"\n    Temporal says: {said}" if said and said not in summary
                             else "")
        session.proxy.send_event("output", {
            "category": "console" if status == "ok" else "important", "output": f"{console}\n"})
        session.proxy.send_event("temporal/replayEnded", {"status": status, "summary": summary})


def replay_summary(status: str, message: str, event_count: int,
                   report: Message | None) -> str:
    """How a replay ended, in a line: ``Replay finished: 64 events replayed deterministically``.

    ``message`` is the debuggee's (the SDK's words); the event map's ``report``, when it is
    complete, locates a divergence or a failed task at the user's line: that is preferred.
    """
    divergence = (report or {}).get("divergence") or {}
    failure = (report or {}).get("taskFailure") or {}
    if status == "ok":
        # e.g. the code now completes a workflow task the history failed: worth saying
        after = f"; {failure['summary']}" if failure.get("summary") else ""
        return f"Replay finished: {event_count} events replayed deterministically{after}"
    detail = divergence.get("message") or message  # the map's names the user's line
    if status == "nondeterminism":
        return f"Replay diverged from the history (non-determinism): {detail}"
    return f"Replay failed: {detail}"
