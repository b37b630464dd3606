"""The debug adapter process: the DAP session between the editor and debugpy's adapter.

:class:`.session.Session` composes the parts (launching, the plan and its sync with the
debuggee, stop events, going back and its standby, the Temporal scope); they see the session
through :mod:`.state` only.
"""

from replaydbg.dap.adapter.session import Session

__all__ = ["Session"]
