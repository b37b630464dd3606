"""debugpy's own adapter as a child process: start it, talk DAP to it, stop it for good.

It runs in a new process group so that stopping it also stops the launcher and the debuggee
it started: no orphans when the editor goes away.
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
from collections.abc import Callable
from typing import IO

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


def _start_process() -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "debugpy.adapter"], stdin=subprocess.PIPE,
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, start_new_session=True,
    )


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
    """``python -m debugpy.adapter`` over stdio, with a reader thread."""

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
        threading.Thread(target=self._read, name="replaydbg-debugpy", daemon=True).start()

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
            self._on_message(message)
        self._on_exit()

    def kill(self, grace: float = 1.0) -> None:
        """Stop debugpy's adapter and everything it started.

        The adapter leads a session of its own; its launcher puts the debuggee in a new
        process group of that session, and a debuggee that has not been configured yet does
        not exit when the adapter goes. So every process of the session is stopped.
        """
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
