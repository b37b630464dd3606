"""Launch a replay: get the history, start the debuggee, map the history in the background.

Three things run at once so that the first stop comes early: the debuggee starts, imports
the SDK and then connects to debugpy's adapter (which attaches to it), the adapter loads the
history (fetching it first for a workflow id) and hands the debuggee a binary copy, and a
mapping run replays the history without a debugger to make the event map, which arrives
task by task and completes the stop plan as it comes.

Whatever fails on the way (a bad history, an unreachable server, an import error) is said
once, answers the launch if it is still waiting, and ends the session with ``terminated``.
"""

from __future__ import annotations

import functools
import importlib.util
import json
import logging
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from replaydbg.dap import control
from replaydbg.dap.adapter.config import in_launch_terms
from replaydbg.dap.adapter.debuggee_link import DebuggeeLink
from replaydbg.dap.adapter.debugpy_side import DebugpyAdapter
from replaydbg.dap.adapter.eventbp import EventPlan
from replaydbg.dap.adapter.mapping import (
    PACKAGE_ROOT,
    MappingRun,
    fetch_to_file,
    session_codec,
    user_environment,
)
from replaydbg.dap.adapter.protocol import Message
from replaydbg.dap.adapter.state import SessionState
from replaydbg.dap.adapter.workdir import make_workdir
from replaydbg.errors import ReplaydbgError

logger = logging.getLogger(__name__)

#: How long a launch's answer waits for the mapping run to load the workflow (seconds).
_FOUND_WAIT = 60.0


#: Seconds between progress updates while the history is mapped (a bar, not a flood).
_PROGRESS_EVERY = 1.0


class Launcher:
    """The launch of one session's replay and the making of its event map."""

    def __init__(self, session: SessionState) -> None:
        self._session = session
        self.loaded = threading.Event()  # the history loaded, or failed to
        self.mapped = threading.Event()  # the whole map arrived (session.map_result is set)
        self.failed = False
        self.progress_reporting = False  # the editor said it shows progress events
        self.mapping: MappingRun | None = None
        self._lock = threading.Lock()
        self._request: Message | None = None  # the launch, until debugpy answers it
        #: The editor has the launch's answer (or the launch failed). The debuggee can stop
        #: before that now (it no longer starts after configurationDone), and VS Code does not
        #: show a stop that comes before the answer to the launch (see hold_stop).
        self.answered = threading.Event()
        self._success: Message | None = None  # debugpy's answer, while _launched holds it
        self.workdir: str | None = None
        self._debuggee_history: Path | None = None
        self._progress_open = False  # the launch's progress started and not ended yet

    def start(self, request: Message) -> None:
        """Launch (the config is parsed): answered when debugpy answers, or on failure."""
        threading.Thread(target=self._launch, args=(request,), daemon=True).start()

    def _launch(self, request: Message) -> None:
        session, config = self._session, self._session.config
        assert config is not None
        self._progress("progressStart", title="Replay", message="loading the history")
        try:
            self.workdir = make_workdir()
        except ReplaydbgError as err:
            self.loaded.set()
            self.fail(str(err), request)
            return
        session.link = session.plans.new_link()
        self._request = request
        # The debuggee starts (and imports the SDK) while the history is fetched and loaded.
        debugpy = session.proxy.debugpy
        assert debugpy is not None  # a launch comes after initialize
        session.proxy.forward({**request, "command": "attach",
                               "arguments": self.debugpy_attach(debugpy)}, self._launched)
        history_file = config.history_file
        if history_file is None:
            self._progress("progressUpdate", message=f"fetching {config.workflow_id}")
            try:
                history_file = fetch_to_file(config, self.workdir)
            except ReplaydbgError as err:
                self.loaded.set()
                self.fail(str(err))  # answers the launch, which waits for debugpy's answer
                return
        threading.Thread(target=self._load, args=(history_file,), daemon=True).start()

    def _load(self, history_file: str) -> None:
        """Load the history, give the debuggee a copy, start mapping it."""
        # The SDK's protos come with these (~0.15 s): imported on this thread, while the
        # editor's requests go on being answered.
        from replaydbg.history import event_type_name, load_history, save_history

        session, config = self._session, self._session.config
        assert config is not None and self.workdir is not None
        try:
            history = load_history(history_file)
            # The debuggee reads a binary copy: ~40x faster than the JSON.
            self._debuggee_history = save_history(
                history, os.path.join(self.workdir, "debuggee-history.pb"))
            plan = EventPlan.preliminary([event_type_name(e.event_type) for e in history.events])
            plan.stop_on_entry = config.stop_on_entry
            with session.plan_lock:
                session.history, session.plan = history, plan
            # The mapping run reads the binary copy too (parsed ~20x faster than JSON).
            self.mapping = MappingRun(config, str(self._debuggee_history), history.workflow_id,
                                      self._mapped_batch(len(history.events)))
            if self.failed:  # the debuggee said why first: no map is wanted
                self.mapping.cancel()
        except ReplaydbgError as err:
            self.fail(str(err))
            return
        finally:
            self.loaded.set()
        self._progress("progressUpdate", message=f"mapping {len(history.events)} "
                       "history events to your code")
        self._await_map()

    def _mapped_batch(self, total: int) -> Callable[[list[dict[str, Any]], int], None]:
        """Pass each batch of the map on, and say how far mapping has come (once a second)."""
        last = [0.0]

        def on_mapped(events: list[dict[str, Any]], through: int) -> None:
            self._session.plans.on_mapped(events, through)
            now = time.monotonic()
            if events and total and now - last[0] >= _PROGRESS_EVERY:
                last[0] = now
                done = max(int(e.get("eventId", 0)) for e in events)
                self._progress("progressUpdate", percentage=min(100, 100 * done // total),
                               message=f"mapped {done:,} of {total:,} history events")

        return on_mapped

    def history_message(self) -> Message:
        """What tells the debuggee which history to replay."""
        history = self._session.history
        assert history is not None
        return {"type": "history", "file": str(self._debuggee_history),
                "workflowId": history.workflow_id}

    def _launched(self, response: Message) -> None:
        """Pass on debugpy's answer to the launch (sent after configurationDone), once.

        A success waits until the mapping run has loaded the workflow and the worker setup:
        a launch that cannot replay (no such workflow, a plugin that does not import) is
        refused, whichever of debugpy and the mapping run answers first.
        """
        if response.get("success"):
            self._success = response
            threading.Thread(target=self._relay_when_found, args=(response,),
                             daemon=True).start()
        else:
            self._relay(response)

    def _relay_when_found(self, response: Message) -> None:
        self.loaded.wait(_FOUND_WAIT)
        mapping = self.mapping
        if mapping is not None:
            mapping.found.wait(_FOUND_WAIT)
            if mapping.broken:
                return  # the failure answers the launch (see fail)
        self._relay(response)

    def _relay(self, response: Message) -> None:
        with self._lock:
            request, self._request = self._request, None
        if request is not None:  # debugpy answered an attach: the editor asked for a launch
            self._session.proxy.relay({**response, "command": request.get("command")},
                                      request.get("seq", 0))
        self.answered.set()

    def hold_stop(self) -> None:
        """Return once the launch is answered: the first ``stopped`` must come after it.

        VS Code focuses the stopped frame (the editor shows the line) only for a stop it
        hears of after the launch's answer; one that came before stays in the Call Stack.
        A debuggee that stops has loaded the workflow and the worker setup: what the answer
        waits for from the mapping run (see _launched) is known, so it is answered now.
        """
        if self._success is not None and not self.failed:
            self._relay(self._success)
        self.answered.wait(_FOUND_WAIT)

    def _await_map(self) -> None:
        """Wait for the mapping run; then complete the plan, or end the session."""
        session = self._session
        assert self.mapping is not None
        try:
            result = self.mapping.result()
        except Exception as err:  # the debuggee waits for the map: never leave it hanging
            if not session.ended.is_set():
                if not isinstance(err, ReplaydbgError):
                    logger.exception("mapping the history failed")
                self.fail(str(err) if isinstance(err, ReplaydbgError) else
                          f"internal error while mapping the history: {err!r}")
            return
        finally:
            self._end_progress()
        session.plans.on_map_complete(result)
        self.mapped.set()

    def when_mapped(self, request: Message, answer: Callable[[], None]) -> None:
        """Run ``answer`` once the event map is there (at once if it is).

        A request that comes while the launch is still loading or mapping the history (a
        history view asks as soon as the session starts) waits for it; the launch's progress
        events say how far it has come. It fails only when the launch does, and then quietly:
        the launch's own error is what the user is shown.
        """
        if self._session.config is None:
            self._session.proxy.respond(request, error="no replay launched: launch first")
            return
        if self.mapped.is_set():
            answer()
            return
        threading.Thread(target=self._answer_when_mapped, args=(request, answer),
                         daemon=True).start()

    def _answer_when_mapped(self, request: Message, answer: Callable[[], None]) -> None:
        while not self.mapped.wait(0.5):
            if self.failed or self._session.ended.is_set():
                self._refuse_quietly(request, "the replay did not start, so there is no "
                                     "event map (the launch's error says why)")
                return
        answer()

    def _refuse_quietly(self, request: Message, message: str) -> None:
        """A failure the editor does not show the user (no ``body.error``): said elsewhere."""
        self._session.proxy.editor.send({
            "type": "response", "request_seq": request.get("seq", 0),
            "command": request.get("command"), "success": False, "message": message})

    def fail(self, message: str, request: Message | None = None) -> None:
        """The session cannot go on: say why (once), answer the launch, end it cleanly.

        ``request`` is a launch not forwarded to debugpy yet; a forwarded one still waiting
        for debugpy's answer is answered here instead.
        """
        session = self._session
        with self._lock:
            if self.failed:
                return
            self.failed = True
            pending, self._request = self._request, None
        self.answered.set()
        if self.mapping is not None:
            # The debuggee may say why first; a mapping run still importing the user's code
            # (at a lower priority, on a busy machine) would outlive the session by seconds.
            self.mapping.cancel()
        message = in_launch_terms(message)
        self._end_progress()  # before the answer and `terminated`
        session.proxy.send_event("output", {"category": "stderr", "output": f"{message}\n"})
        if request or pending:
            session.proxy.respond(request or pending or {}, error=message)
        debugpy = session.proxy.debugpy
        if debugpy is not None and session.link is not None and not session.proxy.gone:
            debugpy.kill()  # its exit sends "terminated"
        else:
            session.proxy.send_event("terminated")

    def _progress(self, event: str, **body: Any) -> None:
        """Progress events, for clients that asked for them (DAP's rule)."""
        with self._lock:
            if event == "progressStart":
                self._progress_open = True
            elif not self._progress_open:
                return  # ended already (a failure ends it before it says so)
        if self.progress_reporting:
            self._session.proxy.send_event(event, {"progressId": "replaydbg-launch", **body})

    def _end_progress(self) -> None:
        """End the launch's progress, once.

        A failure ends it before the session's ``terminated``: VS Code drops a progress
        ended after that, and shows it for ever.
        """
        with self._lock:
            was_open, self._progress_open = self._progress_open, False
        if was_open and self.progress_reporting:
            self._session.proxy.send_event("progressEnd", {"progressId": "replaydbg-launch"})

    def debugpy_attach(self, adapter: DebugpyAdapter,
                       link: DebuggeeLink | None = None) -> dict[str, Any]:
        """Have ``adapter`` start a debuggee (default: the session's); its ``attach`` arguments.

        debugpy attaches by listening for the debuggee, which ``adapter`` starts at once (see
        :mod:`.debuggee_process`): in the user's interpreter, working directory and
        environment, as debugpy's launcher would. It is told where debugpy listens over
        ``link``: the session's control channel, or another debuggee's, such as a standby's.
        """
        config, link = self._session.config, link or self._session.link
        assert config is not None and link is not None
        session = {"workflows": config.workflows, **config.setup.to_json(),
                   "justMyCode": config.just_my_code, "deadlockTimeout": config.deadlock_timeout,
                   "codec": session_codec(config)}
        env = user_environment(config)
        env.update({control.ENV_ADDRESS: link.address, control.ENV_TOKEN: link.token,
                    control.ENV_SESSION: json.dumps(session),
                    control.ENV_DEBUGPY_HOME: _debugpy_home()})
        # Frozen modules hide the standard library's lines from the debugger (debugpy's
        # launcher turns them off too).
        adapter.start_debuggee([*config.python, "-X", "frozen_modules=off", "-m",
                                "replaydbg.dap.debuggee"], config.cwd, env,
                               lambda address: link.post({"type": "debugpy",
                                                          "address": address}))
        return {"listen": {"host": "127.0.0.1", "port": 0}, "justMyCode": config.just_my_code,
                # Its output is read from its pipes (debuggee_process), not from pydevd.
                "redirectOutput": False,
                # Our runtime and the SDK are never "my code", even when installed editable.
                "rules": [{"path": f"{PACKAGE_ROOT}/replaydbg/**", "include": False},
                          {"module": "replaydbg", "include": False},
                          {"module": "temporalio", "include": False}]}


@functools.cache
def _debugpy_home() -> str:
    """The folder of this adapter's debugpy package (found without importing it)."""
    spec = importlib.util.find_spec("debugpy")
    assert spec is not None and spec.origin is not None, "debugpy's adapter runs: it is there"
    return os.path.dirname(spec.origin)
