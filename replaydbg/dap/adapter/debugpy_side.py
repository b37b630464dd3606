"""debugpy's own adapter as a child process: start it, talk DAP to it, stop it for good.

It runs in a new process group so that stopping it also stops whatever it started; the
debuggee it attaches to (:mod:`.debuggee_process`) is stopped with it: no orphans when the
editor goes away.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from typing import IO

from replaydbg.dap import control
from replaydbg.dap.adapter.debuggee_process import DebuggeeProcess
from replaydbg.dap.adapter.protocol import (
    EndOfStream,
    Message,
    MessageWriter,
    ProtocolError,
    read_message,
)

logger = logging.getLogger(__name__)


#: A debugpy adapter started ahead of the first session's ``initialize`` (see prestart).
_early: subprocess.Popen[bytes] | None = None
_early_lock = threading.Lock()
#: The writing end of each debugpy adapter's lifeline, by pid: open until it is stopped.
_lifelines: dict[int, int] = {}

#: How long debugpy's adapter may wait for a debuggee that exited before it connected: long
#: enough for the session to say why (the mapping run names the failure), then it is stopped
#: so that its pending ``attach`` fails rather than waits forever.
_ORPHAN_GRACE = 5.0

#: How long debugpy's ``terminated`` waits for the debuggee's ``exited`` (seconds).
_EXIT_WAIT = 2.0


def _start_process() -> subprocess.Popen[bytes]:
    # Its lifeline (see debugpy_main): the writing end stays open in this process only
    # (pipes are not inherited by the other children) until this process ends.
    lifeline, keep = os.pipe()
    try:
        proc = subprocess.Popen(
            [sys.executable, "-m", "replaydbg.dap.adapter.debugpy_main", str(lifeline)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
            start_new_session=True, pass_fds=(lifeline,))
    finally:
        os.close(lifeline)
    _lifelines[proc.pid] = keep
    return proc


def prestart() -> None:
    """Start debugpy's adapter now, before this process imports the rest of the adapter.

    Its start-up (a Python process importing debugpy) then overlaps ours, and the editor's
    ``initialize`` is answered sooner. An unused one exits when this process does (its
    stdin closes).
    """
    global _early
    with _early_lock:
        if _early is None:
            _early = _start_process()


class DebugpyAdapter:
    """``python -m debugpy.adapter`` over stdio, with a reader thread, and its debuggee.

    ``on_message`` hears debugpy's messages and the debuggee's ``output`` and ``exited``
    events, from the reader threads; ``on_exit`` the end of debugpy's adapter.
    """

    def __init__(self, on_message: Callable[[Message], None], on_exit: Callable[[], None]) -> None:
        global _early
        with _early_lock:
            early, _early = _early, None
        self._proc = early if early is not None and early.poll() is None else _start_process()
        assert self._proc.stdin is not None and self._proc.stdout is not None
        self.writer = MessageWriter(self._proc.stdin)
        self._stdout: IO[bytes] = self._proc.stdout
        self._on_message = on_message
        self._on_exit = on_exit
        self._on_listening: Callable[[str], None] | None = None
        self.debuggee: DebuggeeProcess | None = None
        self._connected = False  # the debuggee connected to debugpy (it sent "process")
        threading.Thread(target=self._read, name="replaydbg-debugpy", daemon=True).start()

    def start_debuggee(self, command: Sequence[str], cwd: str, env: Mapping[str, str],
                       on_listening: Callable[[str], None]) -> None:
        """Start the debuggee now; ``on_listening(HOST:PORT)`` once debugpy listens for it.

        Its start-up (the SDK's imports, ~0.3 s) then overlaps debugpy's handling of the
        ``attach``; it connects when told where (see :data:`control.ENV_DEBUGPY`).
        """
        self._on_listening = on_listening
        try:
            self.debuggee = DebuggeeProcess(command, cwd, {**env, control.ENV_DEBUGPY: "1"},
                                            self._debuggee_says)
        except OSError as err:
            self._on_message({"type": "event", "event": "output", "body": {
                "category": "stderr", "output": f"replaydbg: cannot start {command[0]}: {err}\n"}})
            threading.Thread(target=self._orphaned, daemon=True).start()

    def send(self, message: Message) -> int:
        """Send a message to debugpy; returns the seq it was given."""
        return self.writer.send(message)

    def _read(self) -> None:
        while True:
            try:
                message = read_message(self._stdout)
            except EndOfStream:
                break
            except ProtocolError as err:
                logger.warning("debugpy sent an invalid frame: %s", err)
                continue
            if message.get("type") == "event" and not self._seen(message):
                continue
            self._on_message(message)
        self._on_exit()

    def _seen(self, event: Message) -> bool:
        """Act on what debugpy says of its debuggee; False for an event of ours only."""
        name, body = event.get("event"), event.get("body") or {}
        if name == "debugpyWaitingForServer":
            on_listening, self._on_listening = self._on_listening, None
            if on_listening is not None:
                on_listening(f"{body.get('host')}:{body.get('port')}")
            return False
        if name == "process":
            self._connected = True
        elif name == "terminated" and self.debuggee is not None:
            self.debuggee.exited.wait(_EXIT_WAIT)  # "exited" first, as a launcher says it
        return True

    def _debuggee_says(self, message: Message) -> None:
        self._on_message(message)
        if message.get("event") == "exited" and not self._connected:
            threading.Thread(target=self._orphaned, daemon=True).start()

    def _orphaned(self) -> None:
        """The debuggee is gone before it connected: debugpy would wait for it for ever."""
        time.sleep(_ORPHAN_GRACE)
        if not self._connected:
            self.kill()

    def kill(self, grace: float = 1.0) -> None:
        """Stop debugpy's adapter and everything it started.

        The adapter leads a session of its own; its launcher puts the debuggee in a new
        process group of that session, and a debuggee that has not been configured yet does
        not exit when the adapter goes. So every process of the session is stopped.
        """
        if self.debuggee is not None:
            self.debuggee.kill()
        proc = self._proc
        members = [pid for pid in session_members(proc.pid) if pid != proc.pid]
        if proc.poll() is None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(proc.pid, signal.SIGTERM)
        _signal_all(members, signal.SIGTERM)
        try:
            proc.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=grace)
        _signal_all([pid for pid in members if _alive(pid)], signal.SIGKILL)
        with contextlib.suppress(KeyError, OSError):
            os.close(_lifelines.pop(proc.pid))
        # A launcher may have started its debuggee after the first look (an adapter killed
        # while it starts one, as a standby can be): look again until the session is empty.
        for _ in range(5):
            rest = [pid for pid in session_members(proc.pid) if pid != proc.pid and _alive(pid)]
            if not rest:
                break
            _signal_all(rest, signal.SIGKILL)
            time.sleep(0.05)


def session_members(sid: int) -> list[int]:
    """The processes of session ``sid`` (from /proc, else ``ps``; empty when neither works)."""
    try:
        pids = [int(name) for name in os.listdir("/proc") if name.isdigit()]
    except OSError:
        try:
            listing = subprocess.run(["ps", "-A", "-o", "pid=,sess="], capture_output=True,
                                     text=True, timeout=5, check=False).stdout
        except (OSError, subprocess.SubprocessError):
            return []
        rows = [line.split() for line in listing.splitlines()]
        return [int(row[0]) for row in rows if len(row) == 2 and row[1] == str(sid)]
    found = []
    for pid in pids:
        with contextlib.suppress(OSError):
            if os.getsid(pid) == sid:
                found.append(pid)
    return found


def _signal_all(pids: list[int], sig: signal.Signals) -> None:
    for pid in pids:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, sig)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, PermissionError):
        return False
    return True
