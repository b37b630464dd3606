"""Notice when execution enters user code, at the lowest cost each Python version allows.

The runtime needs "the first user line that ran because of job J". Watching every call is
what makes that expensive, so the watcher is only on while some job is still unresolved,
and uses the cheapest hook available:

* Python >= 3.12: ``sys.monitoring`` PY_START/PY_RESUME/PY_THROW with our own tool id; every code
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

from replaydbg.replay.source import SourceLocation, UserCode, first_body_line

#: Called with the location of the user line about to run, and whether a suspended
#: coroutine resumes there (True) or a function starts (False).
OnEntry = Callable[[SourceLocation, bool], None]

_TOOL_NAME = "replaydbg"
#: ``sys.monitoring`` on Python >= 3.12, else None (typed loosely: absent from 3.10 stubs).
_MON: Any = getattr(sys, "monitoring", None)


def _entry(frame: FrameType) -> tuple[SourceLocation, bool]:
    code = frame.f_code
    if frame.f_lineno <= code.co_firstlineno:  # a fresh call: its first statement
        return SourceLocation(code.co_filename, first_body_line(code), code.co_name), False
    return SourceLocation(code.co_filename, frame.f_lineno, code.co_name), True  # at an await


class _Monitoring:
    """The process-wide ``sys.monitoring`` tool, claimed once, serving the active watch."""

    tool: int | None = None
    active: EntryWatch | None = None

    @classmethod
    def claim(cls) -> bool:
        if cls.tool is not None:
            return True
        for tool in range(5, 1, -1):  # ids 2-5 are free for tools like us
            if _MON.get_tool(tool) is None:
                _MON.use_tool_id(tool, _TOOL_NAME)
                cls.tool = tool
                _MON.register_callback(tool, _MON.events.PY_START, cls.callback)
                _MON.register_callback(tool, _MON.events.PY_RESUME, cls.callback)
                _MON.register_callback(tool, _MON.events.PY_THROW, cls.throw_callback)
                return True
        return False

    @classmethod
    def callback(cls, code: CodeType, offset: int) -> object:
        watch = cls.active
        if watch is None:
            return None
        if not watch.user.is_user_file(code.co_filename):
            # Library code never matters: stop paying for this location for good.
            return _MON.DISABLE
        watch.on_entry(*_entry(sys._getframe(1)))
        return None

    @classmethod
    def throw_callback(cls, code: CodeType, offset: int, exception: BaseException) -> object:
        # A coroutine resumed by an exception (a cancelled sleep, a failed activity) emits
        # PY_THROW instead of PY_RESUME. PY_THROW is not a per-location event: returning
        # DISABLE for it is an error, so library code is simply ignored here.
        watch = cls.active
        if watch is not None and watch.user.is_user_file(code.co_filename):
            watch.on_entry(*_entry(sys._getframe(1)))
        return None


class EntryWatch:
    """Reports user-code entries to ``on_entry`` between :meth:`start` and :meth:`stop`."""

    def __init__(self, user_code: UserCode, on_entry: OnEntry) -> None:
        self.user = user_code
        self.on_entry = on_entry
        self._active = False
        self._previous: Any = None
        self._mode = ""

    def start(self) -> None:
        """Begin watching (idempotent)."""
        if self._active:
            return
        self._active = True
        if _MON is not None and _Monitoring.claim():
            self._mode = "monitoring"
            _Monitoring.active = self
            events = _MON.events
            _MON.set_events(_Monitoring.tool,
                            events.PY_START | events.PY_RESUME | events.PY_THROW)
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
            _MON.set_events(_Monitoring.tool, 0)
            _Monitoring.active = None
        elif self._mode == "trace":
            sys.settrace(None)
        else:
            sys.setprofile(self._previous)
            self._previous = None

    def _trace(self, frame: FrameType, event: str, arg: Any) -> None:
        if event == "call" and self.user.is_user_file(frame.f_code.co_filename):
            self.on_entry(*_entry(frame))

    def _profile(self, frame: FrameType, event: str, arg: Any) -> None:
        previous = self._previous
        if previous is not None:
            previous(frame, event, arg)
        if event == "call" and self.user.is_user_file(frame.f_code.co_filename):
            self.on_entry(*_entry(frame))
