"""Notice when execution enters user code, at the lowest cost each Python version allows.

The runtime needs "the first user line that ran because of job J". Watching every call is
what makes that expensive, so the watcher is only on while some job is still unresolved,
and uses the cheapest hook available:

* Python >= 3.12: ``sys.monitoring`` PY_START/PY_RESUME with our own tool id; every code
  location that is not user code is DISABLEd after its first event, so library code runs
  at full speed from then on (and this coexists with debugpy's own monitoring tool).
* Python < 3.12 with no tracer installed: ``sys.settrace`` returning no local tracer, which
  sees Python calls and coroutine resumptions only (no C calls).
* Python < 3.12 under a debugger (``sys.settrace`` taken): ``sys.setprofile``, chained.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from types import CodeType, FrameType
from typing import Any

from replaydbg.replay.source import SourceLocation, UserCode, entry_lines

#: Called with the location of the user line about to run; returns nothing.
OnEntry = Callable[[SourceLocation], None]

_TOOL_NAME = "replaydbg"


def _location(frame: FrameType) -> SourceLocation:
    code = frame.f_code
    if frame.f_lineno <= code.co_firstlineno:  # a fresh call: its first statement
        return SourceLocation(code.co_filename, entry_lines(code)[1], code.co_name)
    return SourceLocation(code.co_filename, frame.f_lineno, code.co_name)  # resumed at await


class EntryWatch:
    """Reports user-code entries to ``on_entry`` between :meth:`start` and :meth:`stop`."""

    def __init__(self, user_code: UserCode, on_entry: OnEntry) -> None:
        self._user = user_code
        self._on_entry = on_entry
        self._active = False
        self._previous: Any = None
        self._mode = ""
        self._tool: int | None = None

    def start(self) -> None:
        """Begin watching (idempotent)."""
        if self._active:
            return
        self._active = True
        if sys.version_info >= (3, 12) and self._claim_tool():
            self._mode = "monitoring"
            mon = sys.monitoring
            events = mon.events.PY_START | mon.events.PY_RESUME
            mon.set_events(self._tool, events)  # type: ignore[arg-type]
        elif sys.gettrace() is None:
            self._mode = "trace"
            sys.settrace(self._trace)
        else:
            self._mode = "profile"
            self._previous = sys.getprofile()
            sys.setprofile(self._profile)

    def stop(self) -> None:
        """Stop watching and restore whatever hook was there before (idempotent)."""
        if not self._active:
            return
        self._active = False
        if self._mode == "monitoring":
            sys.monitoring.set_events(self._tool, 0)  # type: ignore[arg-type]
        elif self._mode == "trace":
            sys.settrace(None)
        else:
            sys.setprofile(self._previous)
            self._previous = None

    def close(self) -> None:
        """Stop and give back the monitoring tool id."""
        self.stop()
        if self._tool is not None:
            sys.monitoring.register_callback(self._tool, sys.monitoring.events.PY_START, None)
            sys.monitoring.register_callback(self._tool, sys.monitoring.events.PY_RESUME, None)
            sys.monitoring.free_tool_id(self._tool)
            self._tool = None

    def _claim_tool(self) -> bool:
        if self._tool is not None:
            return True
        mon = sys.monitoring
        for tool in range(5, 1, -1):  # ids 2-5 are free for tools like us
            if mon.get_tool(tool) is None:
                mon.use_tool_id(tool, _TOOL_NAME)
                self._tool = tool
                mon.register_callback(tool, mon.events.PY_START, self._monitor)
                mon.register_callback(tool, mon.events.PY_RESUME, self._monitor)
                mon.restart_events()
                return True
        return False

    def _monitor(self, code: CodeType, offset: int) -> object:
        if not self._user.is_user_file(code.co_filename):
            return sys.monitoring.DISABLE
        if self._active:
            self._on_entry(_location(sys._getframe(1)))
        return None

    def _trace(self, frame: FrameType, event: str, arg: Any) -> None:
        if event == "call" and self._user.is_user_file(frame.f_code.co_filename):
            self._on_entry(_location(frame))

    def _profile(self, frame: FrameType, event: str, arg: Any) -> None:
        previous = self._previous
        if previous is not None:
            previous(frame, event, arg)
        if event == "call" and self._user.is_user_file(frame.f_code.co_filename):
            self._on_entry(_location(frame))
