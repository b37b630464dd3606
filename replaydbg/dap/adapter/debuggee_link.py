"""The adapter's side of the control channel: plans out, stop announcements in.

Wraps :class:`control.ControlServer` with the session's conversation: the debuggee says
``hello``, receives stop plans (each confirmed with ``done``), announces each stop before
it happens (answered with ``ack``), can be frozen for REPL evaluations (confirmed with
``done``), and reports its ``result`` at the end.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from typing import Any

from replaydbg.dap import control

Message = dict[str, Any]


class DebuggeeLink:
    """One debuggee's control channel, seen from the adapter."""

    def __init__(self, *, on_hello: Callable[[Message], None],
                 on_stop: Callable[[Message], None],
                 on_result: Callable[[Message], None]) -> None:
        self._on_hello, self._on_stop, self._on_result = on_hello, on_stop, on_result
        self._server = control.ControlServer(self._receive)
        self._lock = threading.Lock()
        self._next_id = 0
        self._waiting: dict[int, threading.Event] = {}
        self._replies: dict[int, Message] = {}
        self._hello = False  # the debuggee said hello: posts go out at once
        self._posts: list[Message] = []  # posted before it did

    @property
    def address(self) -> str:
        """``127.0.0.1:PORT`` for the debuggee's environment."""
        return self._server.address

    @property
    def token(self) -> str:
        """The per-session secret the debuggee must present."""
        return self._server.token

    @property
    def connected(self) -> bool:
        """True once the debuggee presented the token."""
        return self._server.channel is not None

    def call(self, message: Message, *, wait: bool = True,
             timeout: float = 2.0) -> Message | None:
        """Send a message the debuggee confirms; with ``wait``, return its ``done`` reply.

        None when the reply did not come in time (or ``wait`` is False).
        """
        channel = self._server.channel
        if channel is None:
            return None
        with self._lock:
            self._next_id += 1
            call_id = self._next_id
            done = self._waiting[call_id] = threading.Event()
        channel.send({**message, "id": call_id})
        if not wait or not done.wait(timeout):
            return None
        with self._lock:
            return self._replies.pop(call_id, None)

    def post(self, message: Message) -> None:
        """Send a message the debuggee needs whenever it connects (now, or on its hello)."""
        with self._lock:
            if not self._hello:
                self._posts.append(message)
                return
        self.call(message, wait=False)

    def decode(self, payload: Mapping[str, Any]) -> Any:
        """Decode a payload with the user's converter and codec (only the debuggee has them)."""
        reply = self.call({"type": "decode", "payload": payload}, timeout=5.0)
        if reply is None:
            return "<not decoded: the debuggee did not answer>"
        return reply.get("value", reply.get("error"))

    def close(self) -> None:
        """Drop the debuggee (it exits when its channel closes)."""
        self._server.close()

    def _receive(self, channel: control.Channel, message: Message) -> None:
        kind = message.get("type")
        if kind == "done":
            with self._lock:
                call_id = int(message.get("id", -1))
                done = self._waiting.pop(call_id, None)
                if done is not None:
                    self._replies[call_id] = message
            if done is not None:
                done.set()
        elif kind == "stop":
            self._on_stop(message.get("stop") or {})
            channel.send({"type": "ack", "id": message.get("id")})
        elif kind == "hello":
            with self._lock:
                self._hello, posts, self._posts = True, self._posts, []
            for post in posts:
                self.call(post, wait=False)
            self._on_hello(message)
        elif kind == "result":
            self._on_result(message)
