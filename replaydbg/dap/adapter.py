"""The replaydbg debug adapter: a DAP proxy between the editor and debugpy's adapter.

Requests are handled by name (``on_<command>``); whatever the session does not handle is
forwarded to debugpy unchanged, with sequence numbers rewritten both ways. What it adds:
the launch of a history replay, breakpoints on history events (function breakpoints and
exception filters), ``stopped`` events that say which history event caused them, exception
info for non-determinism, and the ``temporal/*`` custom requests and events.

Threads: the editor is read on the thread that calls :meth:`Session.run`; debugpy and the
control channel each have a reader thread. All writes go through thread-safe writers;
session state changes under ``self._lock``.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from replaydbg.dap import control
from replaydbg.dap.config import LaunchConfig, parse_launch
from replaydbg.dap.debuggee import ENV_SESSION
from replaydbg.dap.debuggee_link import DebuggeeLink
from replaydbg.dap.debugpy_side import DebugpyAdapter
from replaydbg.dap.editor_breakpoints import EditorBreakpoints
from replaydbg.dap.eventbp import FILTER_IDS, FILTERS, EventPlan, describe, stop_point
from replaydbg.dap.mapping import (
    PACKAGE_ROOT,
    MappingRun,
    MapResult,
    fetch_to_file,
    user_environment,
)
from replaydbg.dap.protocol import EndOfStream, Message, MessageWriter, ProtocolError, read_message
from replaydbg.dap.temporal_scope import VariableStore
from replaydbg.errors import ReplaydbgError
from replaydbg.history import History, event_type_name, load_history, save_history

logger = logging.getLogger(__name__)
OnResponse = Callable[[Message], None]
#: What a replay started again to go back says that the editor has heard already.
_RESTART_EVENTS = frozenset({"initialized", "process", "thread", "debugpySockets", "exited",
                             "terminated", "module", "loadedSource"})


class Session:
    """One debug session; see the module docstring for its threads."""

    def __init__(self, editor_in: IO[bytes], editor_out: IO[bytes]) -> None:
        self._in = editor_in
        self.editor = MessageWriter(editor_out)
        self.debugpy: DebugpyAdapter | None = None
        self._pending: dict[int, OnResponse] = {}
        self._lock = threading.Lock()
        self.config: LaunchConfig | None = None
        self.map_result: MapResult | None = None
        self.plan: EventPlan | None = None
        self.link: DebuggeeLink | None = None
        self._announced: dict[str, Any] | None = None
        self.current_stop: dict[str, Any] | None = None
        self._debuggee_python: tuple[int, ...] = (3, 12)
        self._ended = threading.Event()
        self._debugpy_gone = threading.Event()
        self.history: History | None = None
        self._variables = VariableStore()
        #: Plan changes and the plans sent to the debuggee, in one order.
        self._plan_lock = threading.RLock()
        self._mapping: MappingRun | None = None
        self._progress_reporting = False
        self._initialize_arguments: Message = {}
        self._generation = 0  # of debugpy adapters: one more per trip back in the replay
        self._breakpoints = EditorBreakpoints()
        #: Going back: the event the restarted replay runs to before anything else stops it.
        self._rewind_to: int | None = None
        self._debuggee_ready = False  # it has the history and a plan: send it plan changes
        self._loaded = threading.Event()  # the history loaded, or failed to
        self._mapped = threading.Event()  # the whole map arrived (self.map_result is set)
        self._failed = False
        self._launch_request: Message | None = None
        self._workdir: str | None = None
        self._debuggee_history: Path | None = None

    # -- plumbing ---------------------------------------------------------------------

    def run(self) -> None:
        """Serve the editor until it disconnects or closes the stream."""
        while not self._ended.is_set():
            try:
                message = read_message(self._in)
            except EndOfStream:
                break
            except ProtocolError as err:
                self.send_event("output", {"category": "stderr",
                                           "output": f"replaydbg: ignored a bad frame: {err}\n"})
                continue
            self._dispatch(message)
        self.shutdown()

    def _dispatch(self, message: Message) -> None:
        if message.get("type") != "request":
            self._forward(message)  # e.g. the editor's answer to debugpy's runInTerminal
            return
        name = "on_" + "".join(c if c.isalnum() else "_" for c in str(message.get("command")))
        handler = getattr(self, name, None)
        try:
            handler(message) if handler is not None else self._forward(message)
        except ReplaydbgError as err:
            self.respond(message, error=str(err))
        except Exception as err:  # the adapter keeps serving whatever a handler does
            logger.exception("handler %s failed", name)
            self.respond(message, error=f"internal error: {type(err).__name__}: {err}")

    def respond(self, request: Message, body: Any = None, *, error: str | None = None) -> None:
        """Answer an editor request."""
        response: Message = {"type": "response", "request_seq": request.get("seq", 0),
                             "command": request.get("command"), "success": error is None}
        if error is not None:
            response["message"] = error
            response["body"] = {"error": {"id": 1, "format": error, "showUser": True}}
        elif body is not None:
            response["body"] = body
        self.editor.send(response)

    def send_event(self, event: str, body: Any = None) -> None:
        """Send an event to the editor."""
        self.editor.send({"type": "event", "event": event, **({"body": body} if body else {})})

    def _forward(self, message: Message, on_response: OnResponse | None = None) -> None:
        """Send an editor message to debugpy; its response goes back with the editor's seq."""
        if self.debugpy is None:
            if message.get("type") == "request":
                self.respond(message, error=f"'{message.get('command')}' before 'initialize'")
            return
        editor_seq = message.get("seq", 0)
        copy = {k: v for k, v in message.items() if k != "seq"}
        with self._lock:
            seq = self.debugpy.send(copy)
            if message.get("type") == "request":
                self._pending[seq] = on_response or (
                    lambda response: self._relay(response, editor_seq))

    def _relay(self, response: Message, editor_seq: int) -> None:
        response = {k: v for k, v in response.items() if k != "seq"}
        response["request_seq"] = editor_seq
        self.editor.send(response)

    def on_debugpy_message(self, message: Message) -> None:
        """Route one message from debugpy (reader thread)."""
        kind = message.get("type")
        if kind == "response":
            with self._lock:
                callback = self._pending.pop(int(message.get("request_seq", -1)), None)
            if callback is not None:
                callback(message)
        elif kind == "event":
            self._on_debugpy_event(message)
        else:  # a reverse request such as runInTerminal: the editor answers it
            self.editor.send({k: v for k, v in message.items() if k != "seq"})

    def _on_debugpy_event(self, message: Message) -> None:
        event = message.get("event")
        body = dict(message.get("body") or {})
        if event == "output" and body.get("category") == "telemetry":
            return
        if self._rewind_to is not None and event in _RESTART_EVENTS:
            if event == "initialized":  # the restarted debugpy: no breakpoints yet
                self._send_to_debugpy({"command": "configurationDone"})
            return
        if event == "stopped":
            if not self._normalise_early_stop(body):
                self._emit_stopped(body)
            return
        self.send_event(str(event), body)

    def _emit_stopped(self, body: dict[str, Any]) -> None:
        """Tell the editor about a stop, with the history event that caused it."""
        body = self._rewrite_stopped(body)
        self.send_event("stopped", body)
        if self.current_stop is not None:
            self.send_event("temporal/currentEvent", self.current_stop)


    def _normalise_early_stop(self, body: dict[str, Any]) -> bool:
        """Stops after a job belong on the line after the ``await`` that just completed.

        Python < 3.12 always stops on the ``await`` line itself, so one ``next`` is taken for
        the user. 3.12 stops on the line after, except when breakpoints changed while the
        coroutine waited (as after going back): there it asks where the thread stopped and
        steps only off an ``await`` line. The announced stop stays pending for the stop the
        ``next`` produces. True when the stop is held back.
        """
        with self._lock:
            announced = self._announced
            if announced is None or not announced.get("resumed") or announced.get("_stepped"):
                return False
            announced["_stepped"] = True
        thread = body.get("threadId")
        if self._debuggee_python < (3, 12):
            self._send_to_debugpy({"command": "next", "arguments": {"threadId": thread}})
            return True
        awaiting = {(os.path.realpath(file), line) for file, line in announced.get("awaiting", [])}

        def check(response: Message) -> None:
            frames = (response.get("body") or {}).get("stackFrames") or []
            top = frames[0] if frames else {}
            where = (os.path.realpath(str((top.get("source") or {}).get("path", ""))),
                     top.get("line"))
            if where in awaiting:
                self._send_to_debugpy({"command": "next", "arguments": {"threadId": thread}})
            else:
                self._emit_stopped(body)

        assert self.debugpy is not None
        with self._lock:
            seq = self.debugpy.send({"type": "request", "command": "stackTrace",
                                     "arguments": {"threadId": thread, "levels": 1}})
            self._pending[seq] = check
        return True

    def _rewrite_stopped(self, body: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            announced, self._announced = self._announced, None
        self.current_stop = announced
        self._variables.clear()
        if announced is None:
            return body
        if self.plan is not None and self.plan.one_shot == announced.get("eventId"):
            self.plan.one_shot = None  # reached: the next plan no longer has it
        if self._rewind_to is not None and announced.get("eventId") == self._rewind_to:
            self._rewound()
        announced = {k: v for k, v in announced.items() if not k.startswith("_")}
        self.current_stop = announced
        body["reason"] = announced["reason"]
        body["description"] = announced["description"]
        if announced.get("text"):
            body["text"] = announced["text"]
        if announced.get("breakpointIds"):
            body["hitBreakpointIds"] = announced["breakpointIds"]
        return body

    def shutdown(self) -> None:
        """End everything this session started (idempotent)."""
        self._ended.set()
        if self._mapping is not None:
            self._mapping.cancel()
        if self.link is not None:
            self.link.close()
        if self.debugpy is not None:
            self.debugpy.kill()
        if self._workdir is not None:
            shutil.rmtree(self._workdir, ignore_errors=True)

    # -- requests ---------------------------------------------------------------------

    def on_initialize(self, request: Message) -> None:
        """Start debugpy's adapter and answer with its capabilities plus ours."""
        arguments = request.get("arguments") or {}
        self._progress_reporting = bool(arguments.get("supportsProgressReporting"))
        self._initialize_arguments = dict(arguments)
        self.debugpy = self._start_debugpy()

        def answer(response: Message) -> None:
            body = dict(response.get("body") or {})
            body["exceptionBreakpointFilters"] = [
                *FILTERS, *[f for f in body.get("exceptionBreakpointFilters", [])
                            if f.get("filter") not in FILTER_IDS]]
            body.update(supportsFunctionBreakpoints=True, supportsExceptionInfoRequest=True,
                        supportsTerminateRequest=True, supportsConfigurationDoneRequest=True,
                        supportsStepBack=True)
            self.respond(request, body)

        self._forward(request, answer)

    def _start_debugpy(self) -> DebugpyAdapter:
        """A debugpy adapter whose messages count only while it is the session's."""
        self._generation += 1
        generation = self._generation

        def on_message(message: Message) -> None:
            if generation == self._generation:
                self.on_debugpy_message(message)

        def on_exit() -> None:
            if generation == self._generation:
                self._on_debugpy_exit()

        return DebugpyAdapter(on_message, on_exit)

    def _on_debugpy_exit(self) -> None:
        self._debugpy_gone.set()
        if not self._ended.is_set():
            self.send_event("terminated")

    def on_disconnect(self, request: Message) -> None:
        """End the session: debugpy ends the debuggee, then this adapter exits."""
        if self.debugpy is None or self._debugpy_gone.is_set():
            self.respond(request)
        else:
            answered = threading.Event()

            def relay(response: Message) -> None:
                self._relay(response, request.get("seq", 0))
                answered.set()

            self._forward(request, relay)
            if not answered.wait(5.0):  # debugpy did not answer: answer for it
                self.respond(request)
        self._ended.set()

    def on_launch(self, request: Message) -> None:
        """Validate, then launch the replay while the history loads and the map is made."""
        self.config = parse_launch(request.get("arguments") or {})
        threading.Thread(target=self._launch, args=(request,), daemon=True).start()

    def _launch(self, request: Message) -> None:
        config = self.config
        assert config is not None
        self._progress("progressStart", title="Replay", message="loading the history")
        try:
            self._workdir = tempfile.mkdtemp(prefix="replaydbg-session-")
            history_file = config.history_file
            if history_file is None:
                self._progress("progressUpdate", message=f"fetching {config.workflow_id}")
                history_file = fetch_to_file(config, self._workdir)
        except ReplaydbgError as err:
            self._progress("progressEnd")
            self._loaded.set()
            self._fail(str(err), request)
            return
        self.link = DebuggeeLink(on_hello=self._on_hello, on_stop=self._on_stop,
                                 on_result=self._on_result)
        self._launch_request = request
        # debugpy starts the debuggee (~0.5 s) while the history loads.
        threading.Thread(target=self._load, args=(history_file,), daemon=True).start()
        self._forward({**request, "arguments": self._debugpy_launch()}, self._on_launched)

    def _load(self, history_file: str) -> None:
        """Load the history, give the debuggee a copy, start mapping it."""
        config = self.config
        assert config is not None and self._workdir is not None
        try:
            history = load_history(history_file)
            # The debuggee reads a binary copy: ~40x faster than the JSON.
            self._debuggee_history = save_history(
                history, os.path.join(self._workdir, "debuggee-history.pb"))
            plan = EventPlan.preliminary([event_type_name(e.event_type) for e in history.events])
            plan.stop_on_entry = config.stop_on_entry
            with self._plan_lock:
                self.history, self.plan = history, plan
            self._mapping = MappingRun(config, history_file, history.workflow_id,
                                       self._on_mapped)
        except ReplaydbgError as err:
            self._progress("progressEnd")
            self._fail(str(err))
            return
        finally:
            self._loaded.set()
        self._progress("progressUpdate", message=f"mapping {len(history.events)} "
                       "history events to your code")
        self._await_map()

    def _plan_when_loaded(self) -> EventPlan | None:
        """The plan, once the launched history is loaded (None before a launch)."""
        if self.config is not None:
            self._loaded.wait()
        return self.plan

    def _on_launched(self, response: Message) -> None:
        """Pass on debugpy's answer to the launch (sent after configurationDone), once."""
        with self._lock:
            request, self._launch_request = self._launch_request, None
        if request is not None:
            self._relay(response, request.get("seq", 0))

    def _on_mapped(self, events: list[dict[str, Any]], through: int) -> None:
        """A batch of the map: the debuggee may now run up to activation ``through``."""
        with self._plan_lock:
            if self.plan is None or self.plan.complete:
                return
            added = self.plan.extend(events, through)
            if self.link is not None and self._debuggee_ready:
                self.link.call({"type": "plan", "stops": [s.to_json() for s in added],
                                "complete": False, "through": through, "merge": True},
                               wait=False)

    def _await_map(self) -> None:
        """Wait for the background mapping run; then complete the plan, or end the session."""
        assert self._mapping is not None and self.plan is not None
        try:
            result = self._mapping.result()
        except Exception as err:  # the debuggee waits for the map: never leave it hanging
            if not self._ended.is_set():
                if not isinstance(err, ReplaydbgError):
                    logger.exception("mapping the history failed")
                self._fail(str(err) if isinstance(err, ReplaydbgError) else
                           f"internal error while mapping the history: {err!r}")
            return
        finally:
            self._progress("progressEnd")
        with self._plan_lock:
            self.map_result = result
            changed = self.plan.map(result.report["events"], result.report["divergence"])
            for breakpoint in changed:
                self.send_event("breakpoint", {"reason": "changed", "breakpoint": breakpoint})
            self._send_plan()
        self._mapped.set()

    def _fail(self, message: str, request: Message | None = None) -> None:
        """The session cannot go on: say why (once), answer the launch, end it cleanly.

        ``request`` is a launch not forwarded to debugpy yet; a forwarded one still waiting
        for debugpy's answer is answered here instead.
        """
        with self._lock:
            if self._failed:
                return
            self._failed = True
            pending, self._launch_request = self._launch_request, None
        self.send_event("output", {"category": "stderr", "output": f"{message}\n"})
        if request or pending:
            self.respond(request or pending or {}, error=message)
        if self.debugpy is not None and self.link is not None \
                and not self._debugpy_gone.is_set():
            self.debugpy.kill()  # its exit sends "terminated"
        else:
            self.send_event("terminated")

    def _progress(self, event: str, **body: str) -> None:
        """Progress events, for clients that asked for them (DAP's rule)."""
        if self._progress_reporting:
            self.send_event(event, {"progressId": "replaydbg-launch", **body})

    def _debugpy_launch(self) -> dict[str, Any]:
        config, link = self.config, self.link
        assert config is not None and link is not None
        session = {"workflow": config.workflow, "sandbox": config.sandbox,
                   "dataConverter": config.data_converter, "justMyCode": config.just_my_code}
        env = user_environment(config)
        env.update({control.ENV_ADDRESS: link.address, control.ENV_TOKEN: link.token,
                    ENV_SESSION: json.dumps(session)})
        return {"module": "replaydbg.dap.debuggee", "python": list(config.python),
                "cwd": config.cwd, "env": env, "justMyCode": config.just_my_code,
                "console": "internalConsole", "redirectOutput": True,
                # Our runtime and the SDK are never "my code", even when installed editable.
                "rules": [{"path": f"{PACKAGE_ROOT}/replaydbg/**", "include": False},
                          {"module": "replaydbg", "include": False},
                          {"module": "temporalio", "include": False}]}

    def on_setFunctionBreakpoints(self, request: Message) -> None:
        """Function breakpoints are history events here (``event:7``, ``TimerFired``)."""
        if self._plan_when_loaded() is None or self.plan is None:
            self.respond(request, error="setFunctionBreakpoints before launch")
            return
        with self._plan_lock:
            breakpoints = self.plan.set_function_breakpoints(
                (request.get("arguments") or {}).get("breakpoints", []))
            self.respond(request, {"breakpoints": breakpoints})
            self._send_plan()

    def on_setBreakpoints(self, request: Message) -> None:
        """Line breakpoints are debugpy's; remembered for a replay started again."""
        self._breakpoints.lines(dict(request.get("arguments") or {}))
        self._forward(request)

    def on_setExceptionBreakpoints(self, request: Message) -> None:
        """Temporal filters stay here; debugpy's own ones are forwarded."""
        arguments = dict(request.get("arguments") or {})
        filters = list(arguments.get("filters", []))
        if self._plan_when_loaded() is not None and self.plan is not None:
            with self._plan_lock:
                self.plan.filters = {f for f in filters if f in FILTER_IDS}
                self._send_plan()
        arguments["filters"] = [f for f in filters if f not in FILTER_IDS]
        arguments["filterOptions"] = [o for o in arguments.get("filterOptions", [])
                                      if o.get("filterId") not in FILTER_IDS]
        self._breakpoints.exceptions(arguments)
        self._forward({**request, "arguments": arguments})

    def on_exceptionInfo(self, request: Message) -> None:
        """Non-determinism stops explain event vs command; others are debugpy's."""
        stop = self.current_stop
        if stop is None or stop.get("reason") != "exception":
            self._forward(request)
            return
        self.respond(request, {"exceptionId": "NondeterminismError", "breakMode": "always",
                               "description": stop.get("text", ""),
                               "details": {"message": stop.get("text", ""),
                                           "typeName": "temporalio.workflow.NondeterminismError"}})

    def on_pause(self, request: Message) -> None:
        """Pause at the next job or command, so that the stop is on a line of the workflow.

        pydevd's own pause stops wherever the thread is, usually inside the SDK, where a
        justMyCode session shows no frame at all.
        """
        link = self.link
        if link is None or not link.connected:
            self._forward(request)
            return
        link.call({"type": "pause"}, wait=False)
        self.respond(request)

    def on_scopes(self, request: Message) -> None:
        """Debugpy's scopes, plus "Temporal" when stopped on a history event."""
        def answer(response: Message) -> None:
            body = response.get("body")
            reference = self._temporal_reference()
            if response.get("success") and isinstance(body, dict) and reference is not None:
                body["scopes"] = [*body.get("scopes", []), {
                    "name": "Temporal", "variablesReference": reference, "expensive": False}]
            self._relay(response, request.get("seq", 0))

        self._forward(request, answer)

    def _temporal_reference(self) -> int | None:
        stop, history = self.current_stop, self.history
        if stop is None or history is None or not stop.get("eventId"):
            return None
        events = self.plan.events if self.plan is not None else []
        custom = self.config is not None and self.config.data_converter
        decode = self.link.decode if custom and self.link is not None else None
        return self._variables.scope(history, int(stop["eventId"]), events, decode)

    def on_variables(self, request: Message) -> None:
        """Our references are answered here; debugpy's are forwarded."""
        reference = int((request.get("arguments") or {}).get("variablesReference", 0))
        if not self._variables.owns(reference):
            self._forward(request)
            return
        self.respond(request, {"variables": self._variables.variables(reference)})

    def on_evaluate(self, request: Message) -> None:
        """Evaluate with the workflow frozen, so an expression cannot corrupt the replay."""
        link = self.link
        if link is None or not link.connected:
            self._forward(request)
            return
        link.call({"type": "freeze", "on": True})

        def answer(response: Message) -> None:
            link.call({"type": "freeze", "on": False})
            self._relay(response, request.get("seq", 0))

        self._forward(request, answer)

    def on_temporal_history(self, request: Message) -> None:
        """The event map, for a history view: id, type, subject, role, mapped line."""
        def answer() -> None:
            assert self.map_result is not None
            report = self.map_result.report
            self.respond(request, {"workflowType": report["workflowType"],
                                   "workflowId": report["workflowId"], "runId": report["runId"],
                                   "status": report["status"], "events": report["events"]})

        self._when_mapped(request, answer)

    def on_temporal_nextEvent(self, request: Message) -> None:
        """Continue to the next history event at which workflow code runs."""
        plan = self.plan
        if plan is None:
            self.respond(request, error="no replay running: launch first")
            return
        stop = self.current_stop
        current = (stop["activation"], stop["kind"], stop["position"]) if stop else None
        with self._plan_lock:
            # Correct on a partial map too: events not mapped yet come after all mapped ones.
            target = plan.next_stoppable(current)
            if target is not None or plan.complete:
                self._continue_to(request, target)
                return
        self._when_mapped(request, lambda: self._continue_to(request,
                                                             plan.next_stoppable(current)))

    def on_stepBack(self, request: Message) -> None:
        """Back to the previous history event at which workflow code runs."""
        self._go_back(request, lambda plan, here: plan.previous_stoppable(here))

    def on_reverseContinue(self, request: Message) -> None:
        """Back to the previous event breakpoint or filter stop (else the first event)."""
        self._go_back(request, lambda plan, here: plan.previous_stop(here)
                      or plan.next_stoppable(None))

    def _go_back(self, request: Message,
                 choose: Callable[[EventPlan, tuple[int, str, int]], int | None]) -> None:
        """Replay again from the start, up to an earlier event (the replay is deterministic).

        A new debuggee (under a new debugpy adapter) runs to that event with nothing else
        planned and no line breakpoints; there it gets them all back.
        """
        stop, plan = self.current_stop, self.plan
        if plan is None or stop is None or stop.get("activation") is None \
                or self.link is None or not self._debuggee_ready:
            self.respond(request, error="going back needs a stop on a history event")
            return
        here = (stop["activation"], stop["kind"], stop["position"])
        with self._plan_lock:
            target = choose(plan, here)
        if target is None:
            self.respond(request, error="no earlier history event runs workflow code")
            return
        self.respond(request)
        thread = (request.get("arguments") or {}).get("threadId", 1)
        self.send_event("continued", {"threadId": thread, "allThreadsContinued": True})
        threading.Thread(target=self._restart, args=(target,), daemon=True).start()

    def _restart(self, target: int) -> None:
        assert self.plan is not None and self.link is not None and self.debugpy is not None
        old_debugpy, old_link = self.debugpy, self.link
        with self._plan_lock:
            self._rewind_to = target
            self.plan.one_shot = target
            self._debuggee_ready = False
            self.current_stop = None
            self.link = DebuggeeLink(on_hello=self._on_hello, on_stop=self._on_stop,
                                     on_result=self._on_result)
            self.debugpy = self._start_debugpy()  # the old one's messages are ignored now
        old_link.close()
        old_debugpy.kill()
        self._send_to_debugpy({"command": "initialize", "arguments": self._initialize_arguments})
        self._send_to_debugpy({"command": "launch", "arguments": self._debugpy_launch()})

    def _rewound(self) -> None:
        """The restarted replay is back at the event: everything applies again from here."""
        with self._plan_lock:
            self._rewind_to = None
            self._send_plan()
        for message in self._breakpoints.requests():
            self._send_to_debugpy(message)

    def _send_to_debugpy(self, message: Message) -> None:
        """A request of our own to debugpy; its answer is not the editor's business."""
        debugpy = self.debugpy
        if debugpy is None:
            return
        with self._lock:
            seq = debugpy.send({"type": "request", **message})
            self._pending[seq] = lambda response: None

    def _continue_to(self, request: Message, target: int | None) -> None:
        if target is None or self.plan is None:
            self.respond(request, error="no later history event runs workflow code")
            return
        with self._plan_lock:
            self.plan.one_shot = target
            self._send_plan(wait=True)
        thread = (request.get("arguments") or {}).get("threadId", 1)
        self._forward({"seq": request.get("seq", 0), "type": "request",
                       "command": "continue", "arguments": {"threadId": thread}},
                      lambda response: self.respond(request, {"eventId": target}))

    def _when_mapped(self, request: Message, answer: Callable[[], None]) -> None:
        """Run ``answer`` once the event map is there (at once if it is)."""
        if self._mapping is None:
            self.respond(request, error="no history yet: launch first")
            return
        if self._mapped.is_set():
            answer()
            return

        def later() -> None:
            while not self._mapped.wait(0.5):
                if self._failed or self._ended.is_set():
                    self.respond(request, error="the history could not be mapped")
                    return
            answer()

        threading.Thread(target=later, daemon=True).start()

    # -- the debuggee ---------------------------------------------------------------------

    def _send_plan(self, *, wait: bool = False) -> None:
        """Send the whole plan (it replaces the debuggee's); ``wait`` until it is applied."""
        with self._plan_lock:
            if self.link is None or not self._debuggee_ready or self.plan is None:
                return
            stops, problems = self.plan.stops()
            if self._rewind_to is not None:  # going back: nothing on the way stops it
                stops = [s for s in stops if s.event_id == self._rewind_to]
            for problem in problems:
                self.send_event("output", {"category": "stderr", "output": f"{problem}\n"})
            self.link.call({"type": "plan", "stops": [s.to_json() for s in stops],
                            "complete": self.plan.complete, "through": self.plan.through},
                           wait=wait)

    def _on_hello(self, message: Message) -> None:
        self._debuggee_python = tuple(message.get("python") or (3, 12))
        self._loaded.wait()
        if self.history is None or self.link is None:
            return  # it failed to load: the session is ending
        with self._plan_lock:  # the history, then the first plan; only then any other plan
            self.link.call({"type": "history", "file": str(self._debuggee_history),
                            "workflowId": self.history.workflow_id}, wait=False)
            self._debuggee_ready = True
            self._send_plan()

    def _on_stop(self, stop: Message) -> None:
        if stop.get("reason") == "pause":
            stop = self._describe_pause(stop)
        with self._lock:
            self._announced = stop
        if stop.get("reason") == "entry" and self.plan is not None:
            with self._plan_lock:
                self.plan.stop_on_entry = False  # taken: later plans no longer have it

    def _describe_pause(self, stop: Message) -> Message:
        """Name the event a pause landed at, when the map knows it already."""
        point = (stop.get("activation"), stop.get("kind"), stop.get("position"))
        with self._plan_lock:
            events = self.plan.events if self.plan is not None else []
            event = next((e for e in events if stop_point(e) == point), None)
        if event is None:
            return stop
        return {**stop, "eventId": event["eventId"], "description": f"Paused: {describe(event)}"}

    def _on_result(self, message: Message) -> None:
        if message.get("status") == "error":  # it could not start: the map fails alike
            with self._lock:
                said, self._failed = self._failed, True
            if said:  # the mapper said it first
                return
        if message.get("status") not in ("ok", None):
            self.send_event("output", {"category": "important",
                                       "output": f"replay {message['status']}: "
                                       f"{message.get('message', '')}\n"})
