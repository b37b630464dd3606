"""The debuggee process: the replay under debugpy, stopping where the adapter's plan says.

``python -m replaydbg.dap.debuggee`` (see :mod:`.run`); its stop hooks are :mod:`.stops`,
its dealings with pydevd :mod:`.pydevd_glue`.
"""
