"""The only module that touches pydevd (debugpy's debugger core): suspend and arm stops.

Two ways to stop, both proven on CPython 3.11 and 3.12 with debugpy 1.8:

* at a command: the user frame that issues it is on the stack, so the thread is suspended
  right there, with that frame as the top of the stack the editor sees;
* after a job: no user frame is on the stack yet, so a "step into my code" is armed and
  pydevd stops at the first user line that runs (the same mechanism as its stop-on-entry).
"""

from __future__ import annotations

import threading
from types import FrameType
from typing import Any


def _debugger() -> Any:
    try:
        import pydevd
    except ImportError:  # not running under debugpy: nothing to stop
        return None
    return pydevd.get_global_debugger()


def suspend_at(frame: FrameType) -> None:
    """Suspend the current thread with ``frame`` on top; returns when the user resumes."""
    py_db = _debugger()
    if py_db is None:
        return
    from _pydevd_bundle.pydevd_comm_constants import CMD_SET_BREAK

    thread = threading.current_thread()
    py_db.set_suspend(thread, CMD_SET_BREAK)
    py_db.do_wait_suspend(thread, frame, "line", None)


def arm_step_into_user_code() -> None:
    """Stop at the next line of the user's code that runs on this thread."""
    if _debugger() is None:
        return
    from _pydevd_bundle.pydevd_additional_thread_info import set_additional_thread_info
    from _pydevd_bundle.pydevd_comm_constants import CMD_SET_BREAK, CMD_STEP_INTO_MY_CODE
    from _pydevd_bundle.pydevd_constants import PYDEVD_USE_SYS_MONITORING

    info = set_additional_thread_info(threading.current_thread())
    info.pydev_original_step_cmd = CMD_SET_BREAK
    info.pydev_step_cmd = CMD_STEP_INTO_MY_CODE
    info.pydev_step_stop = None
    info.update_stepping_info()
    if PYDEVD_USE_SYS_MONITORING:
        from _pydevd_sys_monitoring import pydevd_sys_monitoring

        pydevd_sys_monitoring.update_monitor_events(suspend_requested=True)
        pydevd_sys_monitoring.restart_events()
