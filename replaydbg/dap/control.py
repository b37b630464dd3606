"""The control channel between the adapter and the debuggee: JSON lines on loopback.

The adapter listens on 127.0.0.1 only, on a port the OS picks, and the debuggee must open
with the per-session secret it was given in its environment: anything else on the machine
that connects is dropped. The debuggee blocks on an ``ack`` before each stop it arms, so
that the adapter knows why the thread is about to stop before debugpy reports it.
"""

from __future__ import annotations

import hmac
import json
import logging
import secrets
import socket
import threading
from collections.abc import Callable
from typing import Any

logger = logging.getLogger(__name__)

ENV_ADDRESS = "REPLAYDBG_CONTROL"
ENV_TOKEN = "REPLAYDBG_CONTROL_TOKEN"
#: The session's settings for the debuggee (workflows, setup, codec...), as JSON.
ENV_SESSION = "REPLAYDBG_SESSION"
#: Set: the debuggee runs under debugpy, whose adapter says where it listens over the control
#: channel (a ``debugpy`` message: the debuggee starts before it listens). And the folder of
#: the adapter's own debugpy package, which the debuggee imports (the user's interpreter need
#: not have debugpy installed).
ENV_DEBUGPY = "REPLAYDBG_DEBUGPY"
ENV_DEBUGPY_HOME = "REPLAYDBG_DEBUGPY_HOME"
Message = dict[str, Any]


class Channel:
    """One connected control channel: send JSON lines, read them on a thread."""

    def __init__(self, sock: socket.socket) -> None:
        self._sock = sock
        self._file = sock.makefile("rb")
        self._lock = threading.Lock()

    def send(self, message: Message) -> None:
        """Send one message (thread-safe); a closed peer is ignored."""
        data = json.dumps(message, separators=(",", ":")).encode() + b"\n"
        with self._lock:
            try:
                self._sock.sendall(data)
            except OSError:
                logger.debug("control channel closed while sending")

    def receive(self) -> Message | None:
        """The next message, or None when the peer closed the channel."""
        line = self._file.readline()
        if not line:
            return None
        try:
            message = json.loads(line)
        except ValueError:
            logger.warning("control channel: dropped a line that is not JSON")
            return {}
        return message if isinstance(message, dict) else {}

    def close(self) -> None:
        """Close both directions."""
        try:
            self._sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self._sock.close()


class ControlServer:
    """Adapter side: accepts the debuggee that presents the session token."""

    def __init__(self, on_message: Callable[[Channel, Message], None]) -> None:
        self.token = secrets.token_hex(16)
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(4)
        self.address = f"127.0.0.1:{self._listener.getsockname()[1]}"
        self._on_message = on_message
        self.channel: Channel | None = None
        threading.Thread(target=self._accept, name="replaydbg-control", daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                sock, _ = self._listener.accept()
            except OSError:
                return
            channel = Channel(sock)
            hello = channel.receive()
            if not hello or not hmac.compare_digest(str(hello.get("token", "")), self.token):
                logger.warning("control channel: rejected a connection without the token")
                channel.close()
                continue
            self.channel = channel
            self._serve(channel)
            return

    def _serve(self, channel: Channel) -> None:
        while True:
            message = channel.receive()
            if message is None:  # the debuggee ended; debugpy reports that to the editor
                return
            if message:
                self._on_message(channel, message)

    def close(self) -> None:
        """Stop listening and drop the debuggee's connection."""
        self._listener.close()
        if self.channel is not None:
            self.channel.close()


def connect(address: str, token: str) -> Channel:
    """Debuggee side: connect and present the token."""
    host, _, port = address.rpartition(":")
    sock = socket.create_connection((host, int(port)), timeout=10)
    sock.settimeout(None)
    channel = Channel(sock)
    channel.send({"token": token})
    return channel
