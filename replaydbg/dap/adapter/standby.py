"""A debuggee started ahead of time and parked in the replay, for the next trip back.

Going back means replaying again up to an earlier event. Most of what that used to cost was
not the replay but its start: a debugpy adapter, a Python process with the debugger
attached, the SDK and the user's code imported, the history read. A standby does
all of that while the user looks at a stop: its debugpy is initialized, attached and
configured (the editor hears none of it), its debuggee loads the history, imports the
workflow and replays up to a checkpoint (a plan with no stop, final up to an activation),
where it holds. A trip back to a later event then hands it the plan (the target only) and
makes its debugpy the session's: only the replay from the checkpoint to the target is left.

A session keeps one near the stop, which going back moves forward (:meth:`Standby.advance`)
or replaces, and, deep in a long history, one at the start (see :mod:`.going_back`).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from replaydbg.dap.adapter.debuggee_link import DebuggeeLink
from replaydbg.dap.adapter.debugpy_side import DebugpyAdapter
from replaydbg.dap.adapter.protocol import Message
from replaydbg.dap.adapter.state import SessionState

logger = logging.getLogger(__name__)

#: How long a trip back waits for a standby that is still starting (seconds): starting a
#: fresh debuggee instead would take as long.
READY_WAIT = 15.0


class Standby:
    """One parked debuggee under its own debugpy adapter (see the module docstring)."""

    def __init__(self, session: SessionState, through: int = -1) -> None:
        self._session = session
        #: It replays the activations up to ``through`` and holds at the next one's start
        #: (-1: before the first): it can go on to any event of a later activation.
        self.through = through
        self._lock = threading.Lock()
        #: Set once the debuggee said hello and debugpy is configured; ``failed`` tells why not.
        self.ready = threading.Event()
        self.failed = False
        self._hello = False
        self._configured = False
        self._taken = False
        self._pending: dict[int, Callable[[Message], None]] = {}
        #: Where messages go once the session adopted this standby (None before).
        self._routes: tuple[Callable[[Message], None], Callable[[], None]] | None = None
        self.link = DebuggeeLink(on_hello=self._on_hello, on_stop=self._on_stop,
                                 on_result=self._on_result)
        self.adapter = DebugpyAdapter(self._on_message, self._on_exit)
        self._request("initialize", session.initialize_arguments, self._initialized)

    # -- starting up, unseen by the editor ----------------------------------------------

    def _request(self, command: str, arguments: Message,
                 on_response: Callable[[Message], None]) -> None:
        with self._lock:
            seq = self.adapter.send({"type": "request", "command": command,
                                     "arguments": arguments})
            self._pending[seq] = on_response

    def _initialized(self, response: Message) -> None:
        if not response.get("success"):
            self._fail(f"initialize: {response.get('message')}")
            return
        attach = self._session.launcher.debugpy_attach(self.adapter, self.link)
        self._request("attach", attach, lambda r: None if r.get("success")
                      else self._fail(f"attach: {r.get('message')}"))

    def _on_message(self, message: Message) -> None:
        routes = self._routes
        if routes is not None:
            routes[0](message)
            return
        if message.get("type") == "response":
            with self._lock:
                callback = self._pending.pop(int(message.get("request_seq", -1)), None)
            if callback is not None:
                callback(message)
        elif message.get("type") == "event" and message.get("event") == "initialized":
            self._request("configurationDone", {}, self._on_configured)
        # Other events (process, thread, output of the imports) are the standby's own.

    def _on_configured(self, response: Message) -> None:
        if not response.get("success"):
            self._fail(f"configurationDone: {response.get('message')}")
            return
        with self._lock:
            self._configured = True
        self._check_ready()

    def _on_hello(self, message: Message) -> None:
        """The debuggee is up: tell it the history now, so it loads it and imports the code."""
        launcher = self._session.launcher
        launcher.loaded.wait()
        if self._session.history is None:
            self._fail("the session's history did not load")
            return
        self.link.call(launcher.history_message(), wait=False)
        with self._lock:
            self._hello = True
            through = self.through
        self._hold(through)
        self._check_ready()

    def advance(self, through: int) -> None:
        """Replay on (in the background) and hold at the start of activation ``through + 1``."""
        with self._lock:
            if through <= self.through or self._taken:
                return
            self.through = through
            hello = self._hello
        if hello:
            self._hold(through)

    def reaches(self, activation: int) -> bool:
        """Whether it can still stop in ``activation`` (it holds before it, or earlier)."""
        return activation > self.through

    def _hold(self, through: int) -> None:
        """A plan with no stop, final up to ``through``: the debuggee waits for more there.

        Even at -1 it starts replaying: the worker and the sandbox (which imports the
        workflow's modules again) are made before it holds at the first job.
        """
        self.link.call({"type": "plan", "stops": [], "complete": False, "through": through},
                       wait=False)

    def _check_ready(self) -> None:
        with self._lock:
            ready = self._hello and self._configured and not self.failed
        if ready:
            self.ready.set()

    def _fail(self, why: str) -> None:
        logger.info("standby debuggee not available: %s", why)
        self.failed = True
        self.ready.set()

    # -- once adopted, the session's ------------------------------------------------------

    def take(self) -> tuple[DebugpyAdapter | None, DebuggeeLink]:
        """Become the session's debuggee.

        Returns the debugpy adapter it replaces, and the link to talk to it on.
        """
        old, on_message, on_exit = self._session.proxy.adopt(self.adapter)
        with self._lock:
            self._taken = True
            self._routes = (on_message, on_exit)
        return old, self.link

    def _on_stop(self, stop: Message) -> None:
        if self._taken:
            self._session.plans.on_stop(stop)

    def _on_result(self, message: Message) -> None:
        if self._taken:
            self._session.plans.on_result(message)
        else:
            self._fail(f"its debuggee ended: {message.get('message') or message.get('status')}")

    def _on_exit(self) -> None:
        routes = self._routes
        if routes is not None:
            routes[1]()
        elif not self.ready.is_set() or not self.failed:
            self._fail("its debugpy adapter exited")

    def discard(self) -> None:
        """Stop it for good (the session ends, or it was never used)."""
        if not self._taken:
            self.link.close()
            self.adapter.kill()
