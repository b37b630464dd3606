"""The replaydbg debug adapter: a DAP proxy between the editor and debugpy's adapter.

Requests are handled by name (``on_<command>``); whatever the session does not handle is
forwarded to debugpy unchanged, with sequence numbers rewritten both ways (:mod:`.proxy`).
What it adds: the launch of a history replay (:mod:`.launching`), breakpoints on history
events (function breakpoints and exception filters, planned by :mod:`.eventbp` and kept in
step with the debuggee by :mod:`.plan_sync`), ``stopped`` events that say which history event
caused them (:mod:`.stop_events`), exception info for non-determinism and failed workflow
tasks, the Temporal scope in Variables, going back (:mod:`.going_back`) and the
``temporal/*`` custom requests and events.

Threads: the editor is read on the thread that calls :meth:`Session.run`; debugpy and the
control channel each have a reader thread; the launch, the load and the mapping run have
their own. Writes go through thread-safe writers; the plan and what is sent of it to the
debuggee change under ``plan_lock``.
"""

from __future__ import annotations

import logging
import shutil
import threading
from typing import IO, TYPE_CHECKING

from replaydbg.dap.adapter.config import LaunchConfig, parse_launch
from replaydbg.dap.adapter.debuggee_link import DebuggeeLink
from replaydbg.dap.adapter.editor_breakpoints import EditorBreakpoints
from replaydbg.dap.adapter.eventbp import FILTER_IDS, FILTERS, EventPlan, stop_order
from replaydbg.dap.adapter.going_back import GoingBack
from replaydbg.dap.adapter.interpreter import check_interpreter
from replaydbg.dap.adapter.launching import Launcher
from replaydbg.dap.adapter.mapping import MapResult
from replaydbg.dap.adapter.plan_sync import PlanSync
from replaydbg.dap.adapter.protocol import EndOfStream, FrameReader, Message, ProtocolError
from replaydbg.dap.adapter.proxy import Proxy
from replaydbg.dap.adapter.request_shapes import request_problem
from replaydbg.dap.adapter.run_to import way_to
from replaydbg.dap.adapter.stop_events import StopEvents
from replaydbg.dap.adapter.temporal_scope import VariableStore
from replaydbg.errors import ReplaydbgError

if TYPE_CHECKING:
    from replaydbg.history import History

logger = logging.getLogger(__name__)

#: Requests that set the replay running (or going back) from a stop.
_MOVES = frozenset({"continue", "next", "stepIn", "stepOut", "stepBack", "reverseContinue",
                    "temporal/nextEvent"})


class Session:
    """One debug session; see the module docstring for its threads."""

    def __init__(self, editor_in: IO[bytes], editor_out: IO[bytes]) -> None:
        self._frames = FrameReader(editor_in)
        self.proxy = Proxy(editor_out, on_event=self._on_debugpy_event,
                           on_exit=self._on_debugpy_exit)
        self.config: LaunchConfig | None = None
        self.history: History | None = None
        self.plan: EventPlan | None = None
        self.map_result: MapResult | None = None
        self.link: DebuggeeLink | None = None
        #: Plan changes and the plans sent to the debuggee, in one order.
        self.plan_lock = threading.RLock()
        self.debuggee_ready = False  # it has the history and a plan: send it plan changes
        self.ended = threading.Event()
        self.initialize_arguments: Message = {}
        self.editor_breakpoints = EditorBreakpoints()
        self.plans = PlanSync(self)
        self.launcher = Launcher(self)
        self.going_back = GoingBack(self, self._dispatch)
        self.stops = StopEvents(self.proxy, self._reached, self.plans.locate,
                                self.going_back.after_stop)
        #: The editor is looking at a stop (False while the replay runs or goes back).
        self.at_stop = False
        self._variables = VariableStore()

    # -- plumbing ---------------------------------------------------------------------

    def run(self) -> None:
        """Serve the editor until it disconnects or closes the stream (or a signal ends it)."""
        try:
            while not self.ended.is_set():
                try:
                    message = self._frames.read()
                except EndOfStream:
                    break
                except ProtocolError as err:
                    self.proxy.send_event("output", {
                        "category": "stderr", "output": f"replaydbg: ignored a bad DAP frame "
                        f"({err}); reading on from the next Content-Length header\n"})
                    continue
                self._dispatch(message)
        finally:
            self.shutdown()

    def _dispatch(self, message: Message) -> None:
        if message.get("type") != "request":
            self.proxy.forward(message)  # e.g. the editor's answer to debugpy's runInTerminal
            return
        problem = request_problem(message)
        if problem is not None:
            command = message.get("command")
            self.proxy.respond({**message, "command": command if isinstance(command, str)
                                else ""}, error=f"invalid request: {problem}")
            return
        if self.going_back.queued(message):
            return
        if message.get("command") in _MOVES:
            self.at_stop = False
        name = "on_" + "".join(c if c.isalnum() else "_" for c in str(message.get("command")))
        handler = getattr(self, name, None) or self._forward_request
        try:
            handler(message)
        except ReplaydbgError as err:
            self.proxy.respond(message, error=str(err))
        except Exception as err:  # the adapter keeps serving whatever a handler does
            logger.exception("handler %s failed", name)
            self.proxy.respond(message, error=f"internal error: {type(err).__name__}: {err}")

    def _forward_request(self, request: Message) -> None:
        """A request of debugpy's; before a launch its refusals say what is missing."""
        if self.config is not None:
            self.proxy.forward(request)
            return

        def answer(response: Message) -> None:
            if not response.get("success"):
                self.proxy.respond(request, error=f"'{request.get('command')}' needs a "
                                   f"launched replay: launch first ({response.get('message')})")
            else:
                self.proxy.relay(response, request.get("seq", 0))

        self.proxy.forward(request, answer)

    def _on_debugpy_event(self, message: Message) -> None:
        event = str(message.get("event"))
        body = dict(message.get("body") or {})
        if event == "output" and body.get("category") == "telemetry":
            return
        if self.going_back.hides(event):
            return
        if event == "stopped":
            self.launcher.hold_stop()
            self.stops.stopped(body)
            return
        if event == "process":  # debugpy attached to it, but the editor launched it
            body["startMethod"] = "launch"
        self.proxy.send_event(event, body)

    def _on_debugpy_exit(self) -> None:
        if not self.ended.is_set():
            # The replay is over: what it kept goes now, before the editor hears of it (a
            # client may kill the adapter as soon as it does, as Emacs dap-mode does).
            self.going_back.discard()
            if self.launcher.workdir is not None:
                shutil.rmtree(self.launcher.workdir, ignore_errors=True)
            self.proxy.send_event("terminated")

    def shutdown(self) -> None:
        """End everything this session started (idempotent)."""
        self.ended.set()
        self.going_back.discard()
        if self.launcher.mapping is not None:
            self.launcher.mapping.cancel()
        if self.link is not None:
            self.link.close()
        if self.proxy.debugpy is not None:
            self.proxy.debugpy.kill()
        if self.launcher.workdir is not None:
            shutil.rmtree(self.launcher.workdir, ignore_errors=True)

    # -- lifecycle requests -----------------------------------------------------------

    def on_initialize(self, request: Message) -> None:
        """Start debugpy's adapter and answer with its capabilities plus ours."""
        if self.proxy.debugpy is not None:
            self.proxy.respond(request, error="the session is initialized already")
            return
        arguments = request.get("arguments") or {}
        self.launcher.progress_reporting = bool(arguments.get("supportsProgressReporting"))
        self.initialize_arguments = dict(arguments)
        self.proxy.start_debugpy()

        def answer(response: Message) -> None:
            body = dict(response.get("body") or {})
            body["exceptionBreakpointFilters"] = [
                *FILTERS, *[f for f in body.get("exceptionBreakpointFilters", [])
                            if f.get("filter") not in FILTER_IDS]]
            body.update(supportsFunctionBreakpoints=True, supportsExceptionInfoRequest=True,
                        supportsTerminateRequest=True, supportsConfigurationDoneRequest=True,
                        supportsStepBack=True, supportsSetVariable=False,
                        supportsSetExpression=False, supportsGotoTargetsRequest=False)
            self.proxy.respond(request, body)

        self.proxy.forward(request, answer)

    def on_launch(self, request: Message) -> None:
        """Validate, then launch the replay while the history loads and the map is made."""
        if self.proxy.debugpy is None:
            self.proxy.respond(request, error="'launch' before 'initialize'")
            return
        if self.config is not None:
            self.proxy.respond(request, error="this session has launched already: one replay "
                               "per session")
            return
        config = parse_launch(request.get("arguments") or {})
        try:
            check_interpreter(config.python, config.cwd)
        except ReplaydbgError as err:  # nothing started: the editor may launch again
            self.proxy.respond(request, error=str(err))
            self.proxy.send_event("terminated")
            return
        self.config = config
        self.launcher.start(request)

    def on_attach(self, request: Message) -> None:
        """There is nothing to attach to: a replay is always launched."""
        self.proxy.respond(request, error="attach is not supported: use a 'launch' "
                           "configuration with historyFile or workflowId")

    def on_disconnect(self, request: Message) -> None:
        """End the session: debugpy ends the debuggee, then this adapter exits."""
        if self.proxy.debugpy is None or self.proxy.gone:
            self.proxy.respond(request)
        else:
            answered = threading.Event()

            def relay(response: Message) -> None:
                self.proxy.relay(response, request.get("seq", 0))
                answered.set()

            # debugpy attached: by default it would leave the debuggee running.
            arguments = {**(request.get("arguments") or {}), "terminateDebuggee": True}
            self.proxy.forward({**request, "arguments": arguments}, relay)
            if not answered.wait(5.0):  # debugpy did not answer: answer for it
                self.proxy.respond(request)
        self.ended.set()

    # -- breakpoints ------------------------------------------------------------------

    def _plan_when_loaded(self) -> EventPlan | None:
        """The plan, once the launched history is loaded (None before a launch)."""
        if self.config is not None:
            self.launcher.loaded.wait()
        return self.plan

    def on_setFunctionBreakpoints(self, request: Message) -> None:
        """Function breakpoints are history events here (``event:7``, ``TimerFired``)."""
        plan = self._plan_when_loaded()
        if plan is None:
            self.proxy.respond(request, error="setFunctionBreakpoints before launch")
            return
        with self.plan_lock:
            breakpoints = plan.set_function_breakpoints(
                (request.get("arguments") or {}).get("breakpoints", []))
            # Applied before the answer: a continue the editor sends next must not outrun
            # the plan (a short replay passes the new stop in milliseconds).
            self.plans.send_plan(wait=True)
            self.proxy.respond(request, {"breakpoints": breakpoints})

    def on_setBreakpoints(self, request: Message) -> None:
        """Line breakpoints are debugpy's; remembered for a replay started again."""
        self.editor_breakpoints.lines(dict(request.get("arguments") or {}))
        self.proxy.forward(request)

    def on_setExceptionBreakpoints(self, request: Message) -> None:
        """Temporal filters stay here; debugpy's own ones are forwarded."""
        arguments = dict(request.get("arguments") or {})
        filters = list(arguments.get("filters", []))
        plan = self._plan_when_loaded()
        if plan is not None:
            with self.plan_lock:
                plan.filters = {f for f in filters if f in FILTER_IDS}
                self.plans.send_plan(wait=True)  # before the answer, as function breakpoints
        arguments["filters"] = [f for f in filters if f not in FILTER_IDS]
        arguments["filterOptions"] = [o for o in arguments.get("filterOptions", [])
                                      if o.get("filterId") not in FILTER_IDS]
        self.editor_breakpoints.exceptions(arguments)
        self.proxy.forward({**request, "arguments": arguments})

    # -- at a stop --------------------------------------------------------------------

    def on_exceptionInfo(self, request: Message) -> None:
        """Non-determinism stops explain event vs command; others are debugpy's."""
        stop = self.stops.current
        if stop is None or stop.get("reason") != "exception":
            self.proxy.forward(request)
            return
        text, kind = stop.get("text", ""), stop.get("exceptionId") or "NondeterminismError"
        type_name = stop.get("typeName") or {
            "WorkflowTaskFailed": "the workflow task failed during replay",
            "WorkflowFailed": "the workflow failed"}.get(kind,
                                                         "temporalio.workflow.NondeterminismError")
        details = {"message": text, "typeName": type_name}
        if stop.get("stackTrace"):
            details["stackTrace"] = stop["stackTrace"]
        self.proxy.respond(request, {
            "exceptionId": kind, "breakMode": "always", "description": text,
            "details": details})

    def on_stackTrace(self, request: Message) -> None:
        """The frames from ``startFrame`` on, also when ``levels`` is 0 or absent (all).

        debugpy ignores ``startFrame`` then and answers the whole stack, which an editor's
        "Load More Stack Frames" appends to the frames it has: asked from frame 0 and cut here.
        """
        arguments = dict(request.get("arguments") or {})
        start = int(arguments.get("startFrame") or 0)
        if start <= 0 or arguments.get("levels"):
            self.proxy.forward(request)
            return

        def answer(response: Message) -> None:
            body = response.get("body")
            if response.get("success") and isinstance(body, dict):
                response = {**response, "body": {
                    **body, "stackFrames": list(body.get("stackFrames") or [])[start:]}}
            self.proxy.relay(response, request.get("seq", 0))

        self.proxy.forward({**request, "arguments": {**arguments, "startFrame": 0}}, answer)

    def on_scopes(self, request: Message) -> None:
        """Debugpy's scopes, plus "Temporal" when stopped on a history event."""
        def answer(response: Message) -> None:
            body = response.get("body")
            reference = self._temporal_reference()
            if response.get("success") and isinstance(body, dict) and reference is not None:
                body["scopes"] = [*body.get("scopes", []), {
                    "name": "Temporal", "variablesReference": reference, "expensive": False}]
            self.proxy.relay(response, request.get("seq", 0))

        self.proxy.forward(request, answer)

    def _temporal_reference(self) -> int | None:
        stop, history = self.stops.current, self.history
        if stop is None or history is None or not stop.get("eventId"):
            return None
        events = self.plan.events if self.plan is not None else []
        custom = self.config is not None and self.config.custom_payloads
        decode = self.link.decode if custom and self.link is not None else None
        return self._variables.scope(history, int(stop["eventId"]), events, decode)

    def on_variables(self, request: Message) -> None:
        """Our references are answered here; debugpy's are forwarded."""
        reference = int((request.get("arguments") or {}).get("variablesReference", 0))
        if not self._variables.owns(reference):
            self.proxy.forward(request)
            return
        self.proxy.respond(request, {"variables": self._variables.variables(reference)})

    def on_evaluate(self, request: Message) -> None:
        """Evaluate with the workflow frozen, so an expression cannot corrupt the replay."""
        link = self.link
        if link is None or not link.connected:
            self.proxy.forward(request)
            return
        link.call({"type": "freeze", "on": True})

        def answer(response: Message) -> None:
            link.call({"type": "freeze", "on": False})
            self.proxy.relay(response, request.get("seq", 0))

        self.proxy.forward(request, answer)

    def on_setVariable(self, request: Message) -> None:
        """A replay is read-only: a changed variable would make the code leave its history."""
        self._refuse_change(request, str((request.get("arguments") or {}).get("name", "")))

    def on_setExpression(self, request: Message) -> None:
        """As ``setVariable``."""
        self._refuse_change(request, str((request.get("arguments") or {}).get("expression", "")))

    def on_gotoTargets(self, request: Message) -> None:
        """Jumping to another line would change what the workflow does: refused too."""
        self.proxy.respond(request, error="a replay is read-only: jumping to another line "
                           "would make the workflow leave its recorded history")

    on_goto = on_gotoTargets

    def _refuse_change(self, request: Message, what: str) -> None:
        self.proxy.respond(request, error=f"a replay is read-only: changing {what!r} would make "
                           "the workflow leave its recorded history (evaluate expressions in "
                           "the Debug Console instead; go back to see an earlier state)")

    # -- running ----------------------------------------------------------------------

    def on_pause(self, request: Message) -> None:
        """Pause at the next job or command, so that the stop is on a line of the workflow.

        pydevd's own pause stops wherever the thread is, usually inside the SDK, where a
        justMyCode session shows no frame at all.
        """
        link = self.link
        if self.at_stop:  # paused already: a pause now must not stop the next move early
            self.proxy.respond(request)
            return
        if link is None or not link.connected:
            self.proxy.forward(request)
            return
        link.call({"type": "pause"}, wait=False)
        self.proxy.respond(request)

    def on_temporal_nextEvent(self, request: Message) -> None:
        """Continue to the next history event at which workflow code runs."""
        plan = self.plan
        if plan is None:
            self.proxy.respond(request, error="no replay running: launch first")
            return
        current = self._point_reached()
        with self.plan_lock:
            # Correct on a partial map too: events not mapped yet come after all mapped ones.
            target = plan.next_stoppable(current)
            if target is not None or plan.complete:
                self._continue_to(request, target)
                return
        self.launcher.when_mapped(
            request, lambda: self._continue_to(request, plan.next_stoppable(current)))

    def _point_reached(self) -> tuple[int, str, int] | None:
        """Where the replay is: the current stop's point, or later.

        At a job stop the replay has applied the other jobs of the same batch as well (their
        code runs together, after all of them): those events are behind it too.
        """
        stop = self.stops.current
        if stop is None or stop.get("activation") is None:
            return None
        point = (int(stop["activation"]), str(stop["kind"]), int(stop["position"]))
        reached = self.plans.reached()
        return max(point, reached, key=stop_order) if reached is not None else point

    def on_temporal_runToEvent(self, request: Message) -> None:
        """Run forward or back to one history event (``eventId``), once the map is there."""
        if self.plan is None:
            self.proxy.respond(request, error="no replay running: launch first")
            return
        self.launcher.when_mapped(request, lambda: self._run_to(request))

    def _run_to(self, request: Message) -> None:
        event_id = int((request.get("arguments") or {})["eventId"])
        try:
            with self.plan_lock:
                assert self.plan is not None
                way = way_to(self.plan, event_id, self.stops.current)
        except ReplaydbgError as err:  # may run on the mapping's thread: answered here
            self.proxy.respond(request, error=str(err))
            return
        if way == "forward":
            self._continue_to(request, event_id)
        elif way == "back":
            self.going_back.start(request, lambda plan, here, past: event_id)
        else:
            self.proxy.respond(request, {"eventId": event_id})

    def _continue_to(self, request: Message, target: int | None) -> None:
        if target is None or self.plan is None:
            self.proxy.respond(request, error="no later history event runs workflow code")
            return
        with self.plan_lock:
            self.plan.one_shot = target
            self.plans.send_plan(wait=True)
        thread = (request.get("arguments") or {}).get("threadId", 1)
        self.proxy.forward({"seq": request.get("seq", 0), "type": "request",
                            "command": "continue", "arguments": {"threadId": thread}},
                           lambda response: self.proxy.respond(request, {"eventId": target}))

    def on_stepBack(self, request: Message) -> None:
        """Back to the previous history event at which workflow code runs."""
        self.going_back.start(request, lambda plan, here, past: plan.previous_stoppable(
            here, inclusive=past))

    def on_reverseContinue(self, request: Message) -> None:
        """Back to the previous event breakpoint or filter stop (else the first event)."""
        self.going_back.start(request, lambda plan, here, past: plan.previous_stop(
            here, inclusive=past) or plan.next_stoppable(None))

    def on_temporal_history(self, request: Message) -> None:
        """The event map, for a history view: id, type, subject, role, mapped line."""
        def answer() -> None:
            assert self.map_result is not None
            report = self.map_result.report
            self.proxy.respond(request, {
                "workflowType": report["workflowType"], "workflowId": report["workflowId"],
                "runId": report["runId"], "status": report["status"],
                "events": report["events"]})

        self.launcher.when_mapped(request, answer)

    # -- stops ----------------------------------------------------------------------

    def _reached(self, stop: Message | None) -> None:
        """The editor is about to hear of a stop (``stop``: its history event, if any)."""
        self._variables.clear()
        self.at_stop = True
        if stop is None:
            return
        event_id = stop.get("eventId")
        if self.plan is not None and self.plan.one_shot == event_id:
            self.plan.one_shot = None  # reached: the next plan no longer has it
        if isinstance(event_id, int):
            self.going_back.reached(event_id)
        self.going_back.prepare_soon()  # parked while the user looks at the stop
