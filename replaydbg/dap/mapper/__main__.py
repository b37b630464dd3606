"""``python -m replaydbg.dap.mapper``: the event map of a history, streamed (see .streaming)."""

import os
import sys

from replaydbg.dap.mapper.streaming import main

code = main()
sys.stderr.flush()
os._exit(code)  # the SDK core's threads must not race interpreter teardown
