"""Going back in a replay (Step Back, Reverse Continue): replay again up to an earlier event.

The replay is deterministic, so the state at an earlier event is the state a new replay
reaches there. Another debuggee under another debugpy adapter runs to that event with
nothing else planned and no line breakpoints (they would stop it on the way); once it stops
there, it gets the editor's breakpoints and the whole plan back. Usually that debuggee is
the standby parked a little behind the stop while the user looked at it (:mod:`.standby`),
and only a short replay is left. A trip back past that one (Reverse Continue to an early
breakpoint, deep in a long history) takes the second standby, parked at the start of the
history while the stop is more than :data:`PARK_BEHIND` events in; else one is started. The
editor sees none of the restart's own lifecycle (a second ``initialized``, ``process``,
``exited``...): for it, the session simply stopped at the earlier event.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from replaydbg.dap.adapter.debuggee_link import DebuggeeLink
from replaydbg.dap.adapter.debugpy_side import DebugpyAdapter
from replaydbg.dap.adapter.eventbp import EventPlan, stop_point
from replaydbg.dap.adapter.protocol import Message
from replaydbg.dap.adapter.standby import READY_WAIT, Standby
from replaydbg.dap.adapter.state import SessionState

#: What a replay started again says that the editor has heard already.
_RESTART_EVENTS = frozenset({"initialized", "process", "thread", "debugpySockets", "exited",
                             "terminated", "module", "loadedSource"})
#: How many events a standby debuggee is parked behind the stop the user looks at (see
#: GoingBack.prepare): about 0.2 s of replay under the debugger.
PARK_BEHIND = 400
#: Seconds at a stop before a standby is prepared (see GoingBack.prepare_soon).
PARK_DELAY = 0.3
#: Chooses the event to go back to, from the plan, the current stop point and whether the
#: replay is past that point already (stopped at a line after it: then it counts as earlier).
Choice = Callable[[EventPlan, tuple[int, str, int], bool], "int | None"]


#: Requests answered at once even during a trip back (the rest wait for its stop).
_NOT_QUEUED = frozenset({"disconnect", "terminate", "initialize"})


class GoingBack:
    """The trip back of one session (at most one at a time).

    While the replay restarts, the debugpy that would answer the editor is being replaced:
    requests that come meanwhile (a Continue pressed right after Step Back, a stack trace)
    wait in a queue and are dispatched, in order, once the replay stopped at the target.
    """

    def __init__(self, session: SessionState, dispatch: Callable[[Message], None]) -> None:
        self._session = session
        self._dispatch = dispatch
        #: The event the restarted replay runs to before anything else may stop it.
        self.target: int | None = None
        self._queue: list[Message] = []
        self._queue_lock = threading.Lock()
        self._draining = False
        self._standby: Standby | None = None
        #: Parked before the first activation, for trips back past ``_standby``'s checkpoint
        #: (None while ``_standby`` is parked there itself).
        self._origin: Standby | None = None
        self._stops_seen = 0

    def queued(self, request: Message) -> bool:
        """Keep ``request`` for after the trip back, if one is under way (True then)."""
        if request.get("command") in _NOT_QUEUED:
            return False
        with self._queue_lock:
            if self.target is None:
                return False
            self._queue.append(request)
            return True

    def _drain(self) -> None:
        """Dispatch the requests that waited, until one of them starts another trip back."""
        while True:
            with self._queue_lock:
                if self.target is not None or not self._queue:
                    self._draining = False
                    return
                request = self._queue.pop(0)
            self._dispatch(request)

    def start(self, request: Message, choose: Choice) -> None:
        """Answer ``request`` and go back to the event ``choose`` picks, if there is one."""
        session = self._session
        stop, plan = session.stops.current, session.plan
        if plan is None or stop is None or stop.get("activation") is None \
                or session.link is None or not session.debuggee_ready:
            session.proxy.respond(request, error="going back needs a stop on a history event")
            return
        here = (stop["activation"], stop["kind"], stop["position"])
        with session.plan_lock:
            target = choose(plan, here, bool(stop.get("located")))
        if target is None:
            session.proxy.respond(request, error="no earlier history event runs workflow code")
            return
        with self._queue_lock:  # from now on, other requests wait for the stop
            self.target = target
        session.proxy.respond(request)
        thread = (request.get("arguments") or {}).get("threadId", 1)
        session.proxy.send_event("continued", {"threadId": thread, "allThreadsContinued": True})
        threading.Thread(target=self._restart, args=(target,), daemon=True).start()

    def prepare_soon(self) -> None:
        """Prepare a standby if the user is still at this stop a moment from now.

        A standby replays in the background: not worth it (nor the CPU it takes from the
        replay) for a stop the user leaves at once, as when holding down Step.
        """
        with self._queue_lock:
            self._stops_seen += 1
            seen = self._stops_seen

        def later() -> None:
            if self._stops_seen == seen and self._session.at_stop:
                self.prepare()

        timer = threading.Timer(PARK_DELAY, later)
        timer.daemon = True
        timer.start()

    def prepare(self) -> None:
        """Have a standby debuggee parked a little behind the current stop (idempotent).

        It can only replay forward: one parked past where the user may go back next is
        replaced, one far behind is moved up.
        """
        session = self._session
        through = self._checkpoint()
        with self._queue_lock:
            if session.ended.is_set() or session.config is None:
                return
            standby = self._standby
            if standby is not None and standby.through > through:
                self._standby = None
            elif standby is not None:
                standby.advance(through)
                return
            self._standby = Standby(session, through)
        if standby is not None and self._standby is not standby:
            standby.discard()
        self._prepare_origin(through)

    def _prepare_origin(self, through: int) -> None:
        """A second standby at the start, unless the near one is parked there already."""
        session = self._session
        with self._queue_lock:
            if session.ended.is_set() or session.config is None or through < 0 \
                    or self._origin is not None:
                return
            self._origin = Standby(session, -1)

    def _checkpoint(self) -> int:
        """The last activation a standby replays before it holds (-1: none).

        :data:`PARK_BEHIND` events before the current stop: replaying those under the
        debugger is all a step back costs, wherever it is in a long history.
        """
        session = self._session
        stop, plan = session.stops.current, session.plan
        if stop is None or plan is None or not stop.get("eventId"):
            return -1
        for event in reversed(plan.events[:max(0, int(stop["eventId"]) - PARK_BEHIND)]):
            if event.get("activation") is not None:
                return int(event["activation"]) - 1
        return -1

    def discard(self) -> None:
        """The session ends: so do its standbys."""
        with self._queue_lock:
            standbys = [self._standby, self._origin]
            self._standby = self._origin = None
        for standby in standbys:
            if standby is not None:
                standby.discard()

    def _restart(self, target: int) -> None:
        with self._queue_lock:
            standby, self._standby = self._standby, None
        assert self._session.plan is not None
        point = stop_point(self._session.plan.events[target - 1])
        activation = point[0] if point is not None else None
        if _usable(standby, activation):
            assert standby is not None
            self._take(standby, target)
        else:
            if standby is not None:
                standby.discard()
            with self._queue_lock:
                origin, self._origin = self._origin, None
            if _usable(origin, activation):
                assert origin is not None
                self._take(origin, target)
            else:
                if origin is not None:
                    origin.discard()
                self._start_again(target)
        self.prepare()  # the next trip back's

    def _take(self, standby: Standby, target: int) -> None:
        """Hand the parked debuggee the plan to the target: only the replay is left."""
        session = self._session
        assert session.plan is not None and session.link is not None
        old_link = session.link
        with session.plan_lock:
            session.plan.one_shot = target
            session.stops.forget()
            old_debugpy, session.link = standby.take()
            session.debuggee_ready = True  # it has the history (see Standby)
            session.plans.send_plan()  # the target only, while going back
        self._retire(old_link, old_debugpy)

    def _start_again(self, target: int) -> None:
        """No standby: start a new debuggee under a new debugpy and replay to the target."""
        session = self._session
        assert session.plan is not None and session.link is not None
        old_link = session.link
        with session.plan_lock:
            session.plan.one_shot = target
            session.debuggee_ready = False
            session.stops.forget()
            session.link = session.plans.new_link()
            old_debugpy = session.proxy.start_debugpy()  # its messages are ignored from now
        self._retire(old_link, old_debugpy)
        session.proxy.request("initialize", session.initialize_arguments)
        debugpy = session.proxy.debugpy
        assert debugpy is not None
        session.proxy.request("attach", session.launcher.debugpy_attach(debugpy))

    @staticmethod
    def _retire(link: DebuggeeLink, debugpy: DebugpyAdapter | None) -> None:
        """End the replay left behind, off the critical path (killing it waits a little)."""
        def end() -> None:
            link.close()
            if debugpy is not None:
                debugpy.kill()

        threading.Thread(target=end, name="replaydbg-retire", daemon=True).start()

    def hides(self, event: str) -> bool:
        """Whether debugpy's ``event`` belongs to the restart (then the editor never sees it)."""
        if self.target is None or event not in _RESTART_EVENTS:
            return False
        if event == "initialized":  # the restarted debugpy: no breakpoints until the target
            self._session.proxy.request("configurationDone")
        return True

    def reached(self, event_id: int) -> bool:
        """The replay stopped at ``event_id``; True when that ends the trip back."""
        if self.target is None or event_id != self.target:
            return False
        session = self._session
        with session.plan_lock:
            with self._queue_lock:
                self.target = None
            session.plans.send_plan(wait=True)  # applied before any queued Continue runs
        for message in session.editor_breakpoints.requests():
            session.proxy.request(message["command"], message["arguments"])
        return True

    def after_stop(self) -> None:
        """The editor heard of a stop: requests that waited for the trip back go now."""
        with self._queue_lock:
            if self.target is not None or not self._queue or self._draining:
                return
            self._draining = True  # one drain at a time keeps the requests in order
        # Not on this (debugpy's reader) thread: handlers may wait for debugpy's answers.
        threading.Thread(target=self._drain, name="replaydbg-queued", daemon=True).start()


def _usable(standby: Standby | None, activation: int | None) -> bool:
    """Whether ``standby`` can replay on to ``activation`` (waiting for it to be ready)."""
    return standby is not None and activation is not None and standby.reaches(activation) \
        and standby.ready.wait(READY_WAIT) and not standby.failed
