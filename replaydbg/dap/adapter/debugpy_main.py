"""``python -m replaydbg.dap.adapter.debugpy_main FD``: debugpy's adapter, on our lifeline.

debugpy's adapter, attached by ``listen``, handles the ``attach`` by waiting for the debuggee
to connect, with no time limit, on the thread that reads its stdin: when our adapter dies
before the debuggee connected (killed while the debuggee starts), it never sees its stdin
close and would wait for ever. So it runs here, exiting when the pipe ``FD`` closes, which
happens whenever our adapter's process ends, however it ends.
"""

import runpy
import sys

from replaydbg.lifeline import exit_when_closed

exit_when_closed(int(sys.argv[1]))
sys.argv = [sys.argv[0]]
runpy.run_module("debugpy.adapter", run_name="__main__", alter_sys=True)
