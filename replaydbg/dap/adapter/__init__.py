"""The debug adapter process: the DAP session between the editor and debugpy's adapter.

:class:`.session.Session` composes the parts (launching, the plan and its sync with the
debuggee, stop events, going back and its standby, the Temporal scope); they see the session
through :mod:`.state` only. Importing this package imports none of them: the command line
starts debugpy's adapter (:mod:`.debugpy_side`) before it loads the session.
"""
