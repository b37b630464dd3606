"""The only module that touches pydevd (debugpy's debugger core): suspend and arm stops.

Two ways to stop, both proven on CPython 3.11 and 3.12 with debugpy 1.8:

* at a command: the user frame that issues it is on the stack, so the thread is suspended
  right there, with that frame as the top of the stack the editor sees;
* after a job: no user frame is on the stack yet, so a "step into my code" is armed and
  pydevd stops at the first user line that runs (the same mechanism as its stop-on-entry).

The hooks run inside the workflow sandbox, where ``import`` goes through the sandbox's
importer: :func:`prepare` imports everything up front, outside it.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable, Iterable
from types import FrameType, SimpleNamespace, TracebackType
from typing import Any

_pydevd: Any = None


def connect(address: str, debugpy_home: str) -> None:
    """Connect to debugpy's adapter listening at ``address``; return once configured.

    ``debugpy_home`` is the adapter's debugpy package: imported from there as debugpy's own
    ``python <home> --connect`` does, its folder on ``sys.path`` only for that import, so
    none of the adapter's other packages leak into the user's interpreter.
    """
    if "debugpy" not in sys.modules:
        sys.path.insert(0, os.path.dirname(debugpy_home))
        try:
            import debugpy
        finally:
            del sys.path[0]
    import debugpy

    host, _, port = address.rpartition(":")
    debugpy.connect((host, int(port)))
    debugpy.wait_for_client()  # the editor's breakpoints are set: user code may run now


def prepare() -> bool:
    """Import pydevd's pieces (outside the sandbox); False when not under debugpy."""
    global _pydevd
    try:
        import pydevd
        from _pydevd_bundle import pydevd_comm_constants as constants
        from _pydevd_bundle.pydevd_additional_thread_info import set_additional_thread_info
        from _pydevd_bundle.pydevd_constants import PYDEVD_USE_SYS_MONITORING, STATE_SUSPEND
    except ImportError:
        return False
    monitoring: Any = None
    if PYDEVD_USE_SYS_MONITORING:
        from _pydevd_sys_monitoring import pydevd_sys_monitoring

        monitoring = pydevd_sys_monitoring
    _pydevd = SimpleNamespace(pydevd=pydevd, constants=constants, monitoring=monitoring,
                              set_additional_thread_info=set_additional_thread_info,
                              STATE_SUSPEND=STATE_SUSPEND)
    return pydevd.get_global_debugger() is not None


def suspend_at(frame: FrameType) -> None:
    """Suspend the current thread with ``frame`` on top; returns when the user resumes."""
    py_db = _pydevd.pydevd.get_global_debugger() if _pydevd else None
    if py_db is None:
        return
    thread = threading.current_thread()
    monitoring = _pydevd.monitoring
    # On sys.monitoring (3.12+) pydevd must not trace this thread while we hold it
    # suspended ourselves, or its events deadlock against the suspension.
    traced = monitoring.suspend_current_thread_tracing() if monitoring is not None else False
    try:
        py_db.set_suspend(thread, _pydevd.constants.CMD_SET_BREAK)
        py_db.do_wait_suspend(thread, frame, "line", None)
    finally:
        if traced:
            monitoring.resume_current_thread_tracing()


def stop_post_mortem(error: BaseException, is_user_file: Callable[[str], bool]) -> None:
    """Stop at the line that raised ``error``, its frames and locals as they were.

    The exception has unwound the user's frames already (the SDK caught it), but its
    traceback keeps them: pydevd stops on them as on an uncaught exception. The traceback is
    cut down to the user's frames, so the stack the editor shows starts in their code and
    its top is the raising line, not the SDK or sandbox code under it.
    """
    py_db = _pydevd.pydevd.get_global_debugger() if _pydevd else None
    trigger = getattr(py_db, "trigger_exception_handler", None)
    tb = _user_traceback(error.__traceback__, is_user_file)
    if trigger is None or tb is None:
        return
    trigger((type(error), error, tb), as_uncaught=False)


def _user_traceback(tb: TracebackType | None,
                    is_user_file: Callable[[str], bool]) -> TracebackType | None:
    frames = []
    while tb is not None:
        if is_user_file(tb.tb_frame.f_code.co_filename):
            frames.append((tb.tb_frame, tb.tb_lasti, tb.tb_lineno))
        tb = tb.tb_next
    chain = None
    for frame, lasti, lineno in reversed(frames):
        chain = TracebackType(chain, frame, lasti, lineno)
    return chain


def arm_step_into_user_code(waiting: Iterable[FrameType] = ()) -> None:
    """Stop at the next line of the user's code that runs on this thread.

    ``waiting`` are the suspended user coroutine frames that may resume: on sys.monitoring
    (3.12+) pydevd only sees their lines if code tracing is enabled on them first.
    """
    if _pydevd is None or _pydevd.pydevd.get_global_debugger() is None:
        return
    constants = _pydevd.constants
    thread = threading.current_thread()
    thread.stop_reason = _NOT_STOPPED_SINCE  # type: ignore[attr-defined]
    info = _pydevd.set_additional_thread_info(thread)
    info.pydev_original_step_cmd = constants.CMD_SET_BREAK
    info.pydev_step_cmd = constants.CMD_STEP_INTO_MY_CODE
    info.pydev_step_stop = None
    info.update_stepping_info()
    if _pydevd.monitoring is None:
        _pydevd.pydevd.get_global_debugger().enable_tracing()  # it may be off: see wanted()
    monitoring = _pydevd.monitoring
    if monitoring is not None:
        ident = threading.get_ident()
        for frame in waiting:
            monitoring.enable_code_tracing(ident, frame.f_code, frame)
        monitoring.update_monitor_events(suspend_requested=True)
        monitoring.restart_events()


#: Put in the thread's ``stop_reason`` when a step is armed: pydevd replaces it at any stop.
_NOT_STOPPED_SINCE = -4242


def armed_step_pending() -> bool:
    """Whether the thread has not stopped since :func:`arm_step_into_user_code` armed it."""
    return getattr(threading.current_thread(), "stop_reason", None) == _NOT_STOPPED_SINCE


def disarm_step() -> None:
    """Drop a step armed by :func:`arm_step_into_user_code` that never stopped."""
    thread = threading.current_thread()
    if getattr(thread, "stop_reason", None) == _NOT_STOPPED_SINCE:
        thread.stop_reason = None  # type: ignore[attr-defined]
    if _pydevd is None or _pydevd.pydevd.get_global_debugger() is None:
        return
    info = _pydevd.set_additional_thread_info(thread)
    info.pydev_original_step_cmd = -1
    info.pydev_step_cmd = -1
    info.pydev_step_stop = None
    info.update_stepping_info()


def suspended() -> bool:
    """Whether the debugger holds some thread suspended (the user is looking at a stop)."""
    if _pydevd is None:
        return False
    return any(getattr(getattr(thread, "additional_info", None), "pydev_state", None)
               == _pydevd.STATE_SUSPEND for thread in threading.enumerate())


def window_pays() -> bool:
    """Whether tracing only while workflow code runs saves time.

    With ``sys.settrace`` (Python < 3.12) every call goes through pydevd's tracer, the SDK's
    between activations too; pausing it there halves a replay, and pausing it inside
    activations when nothing needs it (see :func:`wanted`) saves most of the rest. On
    ``sys.monitoring`` untraced calls already cost nothing.
    """
    return _pydevd is not None and _pydevd.monitoring is None


def wanted() -> bool:
    """Whether pydevd must see the code that runs next on this thread.

    Only when a line breakpoint (or logpoint) is set anywhere, an exception filter that
    watches raises is on, or this thread is stepping or asked to pause. Otherwise a replay
    that only stops on history events needs no tracing between its stops.
    """
    py_db = _pydevd.pydevd.get_global_debugger() if _pydevd else None
    if py_db is None:
        return False
    if (any(py_db.breakpoints.values()) or py_db.function_breakpoint_name_to_breakpoint
            or py_db.has_plugin_line_breaks or py_db.break_on_caught_exceptions
            or py_db.break_on_user_uncaught_exceptions or py_db.has_plugin_exception_breaks):
        return True
    info = _pydevd.set_additional_thread_info(threading.current_thread())
    return bool(info.pydev_step_cmd != -1 or info.pydev_state == _pydevd.STATE_SUSPEND)


def trace(on: bool) -> None:
    """Turn the debugger's tracing of this thread on or off."""
    py_db = _pydevd.pydevd.get_global_debugger() if _pydevd else None
    if py_db is None:
        return
    if on:
        py_db.enable_tracing()
    else:
        py_db.disable_tracing()
