"""Exit when the parent that started us is gone: no orphan keeps working for a dead session.

A parent that wants this (the debug adapter, for the mapping run and fetches) sets
:data:`LIFELINE_ENV` and gives the child a pipe as stdin that it never writes to. When the
parent exits — even killed with SIGKILL — the pipe closes and the child ends itself.
"""

from __future__ import annotations

import os
import sys
import threading

LIFELINE_ENV = "REPLAYDBG_EXIT_WITH_STDIN"


def exit_with_parent_if_asked() -> None:
    """Start watching stdin when :data:`LIFELINE_ENV` is ``1``."""
    if os.environ.get(LIFELINE_ENV) == "1":
        exit_when_closed(sys.stdin.fileno())


def exit_when_closed(fd: int) -> None:
    """Exit as soon as the pipe ``fd`` (whose writing end the parent keeps) closes."""
    def watch() -> None:
        try:
            while os.read(fd, 4096):
                pass
        except OSError:
            pass
        os._exit(3)

    threading.Thread(target=watch, name="replaydbg-lifeline", daemon=True).start()
