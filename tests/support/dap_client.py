"""A minimal DAP client that runs the real adapter in a subprocess (tests and benchmarks)."""

from __future__ import annotations

import contextlib
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from typing import Any

from replaydbg.dap.adapter.protocol import encode_message, read_message


class Adapter:
    """`python -m replaydbg.dap` with a reader thread collecting every message.

    ``command`` and ``cwd`` start another DAP adapter instead (a benchmark compares
    debugpy's own).
    """

    def __init__(self, command: list[str] | None = None, cwd: str | None = None) -> None:
        self.proc = subprocess.Popen(command or [sys.executable, "-mreplaydbg.dap"],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL, cwd=cwd)
        assert self.proc.stdin and self.proc.stdout
        self.stdin = self.proc.stdin
        self.messages: list[dict[str, Any]] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout
        while True:
            try:
                self.messages.append(read_message(self.proc.stdout))
            except Exception:
                return

    def send_raw(self, data: bytes) -> None:
        self.stdin.write(data)
        self.stdin.flush()

    def send(self, seq: int, command: str, **arguments: Any) -> None:
        """A request whose answer comes later (a launch is answered after configurationDone)."""
        self.send_raw(encode_message({"seq": seq, "type": "request", "command": command,
                                      "arguments": arguments}))

    def request(self, seq: int, command: str, **arguments: Any) -> dict[str, Any]:
        self.send(seq, command, **arguments)
        return self.response(seq)

    def response(self, seq: int, timeout: float = 20) -> dict[str, Any]:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            for message in self.messages:
                if message.get("type") == "response" and message.get("request_seq") == seq:
                    return message
            time.sleep(0.02)
        raise TimeoutError(f"no response to {seq}: {self.messages}")


def end(adapter: Adapter) -> None:
    """Disconnect (whatever state the session is in) and wait for the adapter to exit."""
    try:
        adapter.request(99, "disconnect")
    except TimeoutError:
        pass
    adapter.proc.wait(timeout=10)


def wait_for(adapter: Adapter, predicate: Any, timeout: float = 60,
             poll: float = 0.05) -> dict[str, Any]:
    """The first message (already received or to come) that satisfies ``predicate``.

    ``poll``: seconds between looks (a benchmark timing tenths of a second looks often).
    """
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for message in list(adapter.messages):
            if predicate(message):
                return message
        time.sleep(poll)
    raise TimeoutError(adapter.messages)


@contextlib.contextmanager
def adapter_session(**initialize: Any) -> Iterator[Adapter]:
    """An initialized adapter, disconnected (and its process ended) afterwards.

    ``initialize`` adds arguments to the ``initialize`` request (the client's capabilities).
    """
    adapter = Adapter()
    try:
        adapter.request(1, "initialize", adapterID="temporal-replay", **initialize)
        yield adapter
    finally:
        adapter.request(99, "disconnect")
        adapter.proc.wait(timeout=10)
