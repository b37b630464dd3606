"""The adapter's plumbing: messages between the editor and debugpy's adapter.

Editor requests forwarded to debugpy get debugpy's own sequence numbers; their responses go
back with the editor's ``request_seq``. Requests the adapter makes of debugpy for itself
(a ``next`` after a stop, a ``stackTrace`` to check where it stopped, a restart) have their
answers routed to a callback, never to the editor.

Going back in a replay replaces debugpy's adapter with a new one: from then on whatever the
old one still says is dropped.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import IO, Any

from replaydbg.dap.adapter.debugpy_side import DebugpyAdapter
from replaydbg.dap.adapter.protocol import Message, MessageWriter

OnResponse = Callable[[Message], None]

#: Requests that ask nothing of a session that has ended: once it has, they succeed. A failed
#: ``configurationDone`` is a toast in VS Code, on top of the launch's own error dialog.
MOOT_WHEN_ENDED = frozenset({"configurationDone", "disconnect", "terminate", "threads"})

#: What a moot request answers once the session has ended: an ended session has no threads
#: (VS Code asks for them after a ``thread`` event that raced the end; a failure is a toast).
ENDED_BODIES: dict[str, Message] = {"threads": {"threads": []}}


class Proxy:
    """Writes to the editor, forwards to debugpy, routes debugpy's answers.

    ``on_event(message)`` hears debugpy's events and ``on_exit()`` the exit of the current
    debugpy adapter; both are called on debugpy's reader thread.
    """

    def __init__(self, editor_out: IO[bytes], *, on_event: Callable[[Message], None],
                 on_exit: Callable[[], None]) -> None:
        self.editor = MessageWriter(editor_out)
        self.debugpy: DebugpyAdapter | None = None
        self._on_event, self._on_exit = on_event, on_exit
        #: What each request sent to debugpy waits for: its command and who takes the answer.
        self._pending: dict[int, tuple[str, OnResponse]] = {}
        self._lock = threading.Lock()
        self._gone = False  # the current debugpy adapter exited: nothing it owes will come
        self._generation = 0  # of debugpy adapters: one more per trip back in the replay

    @property
    def gone(self) -> bool:
        """The current debugpy adapter exited (it answers nothing more)."""
        return self._gone

    # -- to the editor --------------------------------------------------------------------

    def respond(self, request: Message, body: Any = None, *, error: str | None = None) -> None:
        """Answer an editor request (an ``error`` makes it a failure the editor shows)."""
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

    def relay(self, response: Message, editor_seq: int) -> None:
        """Pass debugpy's response on as the answer to the editor's request ``editor_seq``."""
        response = {k: v for k, v in response.items() if k != "seq"}
        response["request_seq"] = editor_seq
        self.editor.send(response)

    # -- to debugpy -----------------------------------------------------------------------

    def start_debugpy(self) -> DebugpyAdapter | None:
        """Start a debugpy adapter that replaces the current one; returns the old one."""
        on_message, on_exit = self._routes()
        return self._replace(DebugpyAdapter(on_message, on_exit))

    def adopt(self, adapter: DebugpyAdapter) -> tuple[DebugpyAdapter | None,
                                                       Callable[[Message], None],
                                                       Callable[[], None]]:
        """Make ``adapter`` (started and configured elsewhere) the current one.

        Returns the old adapter, and where the new one's messages and exit must go from now
        on (its owner passes them on: they were its own until now).
        """
        on_message, on_exit = self._routes()
        return self._replace(adapter), on_message, on_exit

    def _routes(self) -> tuple[Callable[[Message], None], Callable[[], None]]:
        """Message and exit handlers for the next adapter; an older one's are dropped."""
        with self._lock:
            self._generation += 1
            generation = self._generation

        def on_message(message: Message) -> None:
            if generation == self._generation:
                self._route(message)

        def on_exit() -> None:
            if generation == self._generation:
                self._fail_pending()
                self._on_exit()

        return on_message, on_exit

    def _replace(self, adapter: DebugpyAdapter) -> DebugpyAdapter | None:
        with self._lock:
            # The new adapter numbers on by itself; the old one's answers never come.
            self._pending.clear()
            self._gone = False
            old, self.debugpy = self.debugpy, adapter
        return old

    def forward(self, message: Message, on_response: OnResponse | None = None) -> None:
        """Send an editor message to debugpy; its response goes back with the editor's seq.

        ``on_response`` takes the response instead (it may relay it, changed).
        """
        if self.debugpy is None or self._gone:
            if message.get("type") != "request":
                return
            if self.debugpy is None:
                self.respond(message, error=f"'{message.get('command')}' before 'initialize'")
            elif message.get("command") in MOOT_WHEN_ENDED:
                self.respond(message, ENDED_BODIES.get(str(message.get("command"))))
            else:
                self.respond(message, error="the debug session has ended")
            return
        editor_seq = message.get("seq", 0)
        callback = None
        if message.get("type") == "request":
            callback = on_response or (lambda response: self.relay(response, editor_seq))
        self._send({k: v for k, v in message.items() if k != "seq"}, callback)

    def request(self, command: str, arguments: Message | None = None,
                on_response: OnResponse | None = None) -> None:
        """A request of the adapter's own; its answer is not the editor's business."""
        if self.debugpy is not None:
            self._send({"type": "request", "command": command,
                        **({"arguments": arguments} if arguments is not None else {})},
                       on_response or (lambda response: None))

    def _send(self, message: Message, on_response: OnResponse | None) -> None:
        debugpy = self.debugpy
        assert debugpy is not None
        with self._lock:  # the seq and the callback in one step: the answer may come at once
            seq = debugpy.send(message)
            if on_response is not None:
                self._pending[seq] = (str(message.get("command")), on_response)

    def _route(self, message: Message) -> None:
        kind = message.get("type")
        if kind == "response":
            with self._lock:
                pending = self._pending.pop(int(message.get("request_seq", -1)), None)
            if pending is not None:
                pending[1](message)
        elif kind == "event":
            self._on_event(message)
        else:  # a reverse request such as runInTerminal: the editor answers it
            self.editor.send({k: v for k, v in message.items() if k != "seq"})

    def _fail_pending(self) -> None:
        """The debugpy adapter exited: every request it still owed an answer fails now.

        Otherwise an editor waiting for, say, a ``configurationDone`` would wait forever.
        Those that ask nothing of an ended session succeed (see ``MOOT_WHEN_ENDED``).
        """
        with self._lock:
            self._gone = True
            pending, self._pending = self._pending, {}
        for seq, (command, callback) in sorted(pending.items()):
            answer: Message = {"type": "response", "request_seq": seq, "command": command,
                               "success": command in MOOT_WHEN_ENDED}
            if not answer["success"]:
                answer["message"] = "the debug session has ended"
            elif command in ENDED_BODIES:
                answer["body"] = ENDED_BODIES[command]
            callback(answer)
