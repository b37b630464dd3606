"""``python -m replaydbg.dap.debuggee``: the replay that runs under debugpy (see .run)."""

import os
import sys

from replaydbg.dap.debuggee.run import main

code = main()
# Tearing the interpreter down under the debugger, with the SDK core's threads still there,
# takes ~0.7 s for nothing: the outcome is with the adapter already, and what was printed is
# in the launcher's pipes once flushed.
sys.stdout.flush()
sys.stderr.flush()
os._exit(code)
