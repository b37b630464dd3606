"""Tell the editor which history event each stop is for, on the line the user expects.

The debuggee announces a planned stop over the control channel just before pydevd makes it;
debugpy's ``stopped`` event that follows is then rewritten with the history event's reason
and description ("Event 7 ActivityTaskCompleted (fetch_profile)"), and followed by a
``temporal/currentEvent`` event for history views. A stop nobody announced (a line
breakpoint, a step) passes unchanged.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from typing import Any

from replaydbg.dap.adapter.protocol import Message
from replaydbg.dap.adapter.proxy import Proxy


class StopEvents:
    """The announced stop, the current one, and the rewriting of debugpy's ``stopped``.

    ``on_reached(stop)`` hears of every stop the editor is told about, with the history
    event it is for (None for other stops), before the editor hears of it. For the other
    stops (a line breakpoint, a step, an exception) ``locate()`` names the latest history
    event the replay reached, if it can: the Temporal scope, the history view and going
    back or forth by event then work from there too.
    """

    def __init__(self, proxy: Proxy, on_reached: Callable[[Message | None], None],
                 locate: Callable[[], Message | None],
                 after_stop: Callable[[], None] = lambda: None) -> None:
        self._proxy = proxy
        self._on_reached = on_reached
        self._locate = locate
        #: Called once the editor has heard of a stop (requests that waited may go now).
        self._after_stop = after_stop
        self._lock = threading.Lock()
        self._announced: Message | None = None
        #: The history event of the stop the editor is at (None between stops).
        self.current: Message | None = None

    def announce(self, stop: Message) -> None:
        """The debuggee is about to stop for ``stop`` (control-channel thread)."""
        with self._lock:
            self._announced = stop

    def forget(self) -> None:
        """The replay starts again: no stop is current or expected."""
        with self._lock:
            self._announced = None
        self.current = None

    def stopped(self, body: dict[str, Any]) -> None:
        """The debuggee stopped, says debugpy (on its reader thread)."""
        if not self._held_for_next_line(body):
            self._emit(body)

    def _emit(self, body: dict[str, Any]) -> None:
        body = self._rewrite(body)
        self._proxy.send_event("stopped", body)
        if self.current is not None:
            self._proxy.send_event("temporal/currentEvent", self.current)
        self._after_stop()

    def _held_for_next_line(self, body: dict[str, Any]) -> bool:
        """Stops after a job belong on the line after the ``await`` that just completed.

        Where pydevd stops depends on the Python and on what was awaited: Python < 3.12
        stops on the ``await`` line itself when the awaited code was a Python coroutine
        (the SDK's ``execute_activity``) and on the next line for a bare future (a child
        workflow handle); 3.12 stops on the next line, except when breakpoints changed while
        the coroutine waited (as after going back). So the adapter asks where the thread
        stopped and takes one ``next`` for the user only off a line where a coroutine was
        waiting. The announced stop stays pending for the stop the ``next`` produces. True
        when the stop is held back.
        """
        with self._lock:
            announced = self._announced
            if announced is None or not announced.get("resumed") or announced.get("_stepped"):
                return False
            announced["_stepped"] = True
        thread = body.get("threadId")
        awaiting = {(os.path.realpath(file), line) for file, line in announced.get("awaiting", [])}

        def check(response: Message) -> None:
            frames = (response.get("body") or {}).get("stackFrames") or []
            top = frames[0] if frames else {}
            where = (os.path.realpath(str((top.get("source") or {}).get("path", ""))),
                     top.get("line"))
            if where in awaiting:
                self._proxy.request("next", {"threadId": thread})
            else:
                self._emit(body)

        self._proxy.request("stackTrace", {"threadId": thread, "levels": 1}, check)
        return True

    def _rewrite(self, body: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            announced, self._announced = self._announced, None
        if announced is not None:
            announced = {k: v for k, v in announced.items() if not k.startswith("_")}
        if announced is None:
            self.current = self._locate()
            self._on_reached(None)
            return body
        self.current = announced
        self._on_reached(announced)
        body["reason"] = announced["reason"]
        body["description"] = announced["description"]
        if announced.get("text"):
            body["text"] = announced["text"]
        if announced.get("breakpointIds"):
            body["hitBreakpointIds"] = announced["breakpointIds"]
        return body
