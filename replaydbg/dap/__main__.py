"""``python -m replaydbg.dap``: the debug adapter on stdio, as one argument.

DAP clients that spawn ``runtime executable`` with a single argument (such as the
DebugClient test harness) start the adapter this way; it is ``replaydbg dap``, run through
the command line (which starts every server) without this package importing it.
"""

import runpy
import sys

sys.argv = [sys.argv[0], "dap", *sys.argv[1:]]
runpy.run_module("replaydbg", run_name="__main__", alter_sys=True)
