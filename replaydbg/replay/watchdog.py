"""Deadlock detection for replays: a workflow task that never yields is stopped and located.

Debug mode (which replays need, see the engine) turns the SDK's own deadlock detector off,
so a loop without ``await`` would hang the replay, and the debugger with it. The watchdog is
a thread that watches the activation running now; past the timeout it raises
:class:`WorkflowDeadlock` *inside* the spinning thread (``PyThreadState_SetAsyncExc``), so
the task fails like any raise, at the spinning line, and the replay goes on to report it.

A thread blocked in a C call (``time.sleep``, a lock) only sees the exception when the call
returns: after a grace period the watchdog calls ``on_stuck`` with where it was blocked.
"""

from __future__ import annotations

import ctypes
import sys
import threading
import time
from collections.abc import Callable
from types import FrameType

from replaydbg.replay.runtime import ReplayContext
from replaydbg.replay.source import SourceLocation, UserCode, frame_location

#: How often the watchdog looks (seconds): detection comes at most this late.
_TICK = 0.05


class WorkflowDeadlock(Exception):
    """Raised into workflow code that ran past the deadlock timeout without yielding."""


class DeadlockWatchdog:
    """Watches the replay in progress; a context manager (the thread stops on exit).

    ``paused`` says when time must not count (the debugger holds the thread suspended).
    """

    def __init__(self, timeout: float, user_code: UserCode, *,
                 paused: Callable[[], bool] = lambda: False,
                 on_stuck: Callable[[SourceLocation | None], None] | None = None) -> None:
        self.timeout = timeout
        self._user = user_code
        self._paused = paused
        self._on_stuck = on_stuck
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._watch, name="replaydbg-watchdog",
                                        daemon=True)
        # Not the user's thread: a debugger must neither trace nor suspend it.
        self._thread.pydev_do_not_trace = True  # type: ignore[attr-defined]
        self._thread.is_pydev_daemon_thread = True  # type: ignore[attr-defined]

    def __enter__(self) -> DeadlockWatchdog:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._done.set()
        self._thread.join()

    def _watch(self) -> None:
        counted_from: float | None = None
        watched: float | None = None
        while not self._done.wait(_TICK):
            started = ReplayContext.activation_started
            if started is None or self._paused():
                counted_from = watched = None
                continue
            if started != watched:  # a new activation
                watched, counted_from = started, time.monotonic()
            assert counted_from is not None
            if time.monotonic() - counted_from >= self.timeout:
                self._interrupt(ReplayContext.activation_thread)
                counted_from = watched = None
                self._wait_for_yield(started)

    def _interrupt(self, ident: int | None) -> None:
        if ident is None:
            return
        # Where it spins is the raise site: the failure's location, not part of its message.
        message = f"the workflow task did not yield within {self.timeout:g} s (deadlock)"
        error = ctypes.py_object(type("WorkflowDeadlock", (WorkflowDeadlock,),
                                      {"__init__": _fixed_message(message)}))
        ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(ident), error)

    def _wait_for_yield(self, started: float) -> None:
        """Give the raise time to land; a thread still blocked there is reported stuck."""
        deadline = time.monotonic() + max(2.0, self.timeout)
        while ReplayContext.activation_started == started and time.monotonic() < deadline:
            if self._done.wait(_TICK):
                return
        if ReplayContext.activation_started == started and self._on_stuck is not None:
            ident = ReplayContext.activation_thread
            self._on_stuck(self._spinning_line(ident) if ident is not None else None)

    def _spinning_line(self, ident: int) -> SourceLocation | None:
        frame: FrameType | None = sys._current_frames().get(ident)
        innermost = self._user.innermost_user_frame(frame, None) if frame else None
        return frame_location(innermost) if innermost is not None else None


def _fixed_message(message: str) -> Callable[..., None]:
    """``__init__`` for the raised class: the async raise instantiates it with no arguments."""
    def init(self: Exception, *args: object) -> None:
        Exception.__init__(self, message)
    return init
