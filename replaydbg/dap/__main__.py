"""``python -m replaydbg.dap``: the debug adapter on stdio, as one argument.

DAP clients that spawn ``runtime executable`` with a single argument (such as the
DebugClient test harness) start the adapter this way; it is ``replaydbg dap``.
"""

import sys

from replaydbg.cli import run

sys.argv = [sys.argv[0], "dap", *sys.argv[1:]]
run()
