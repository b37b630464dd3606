"""What the command line imports before it runs a command: every server starts through it.

The debug adapter's first stop and the language server's first answer wait for it, so the
parser (which imports each command's module to register it) must not bring the SDK or
asyncio: those belong in the handlers.
"""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = ("asyncio", "temporalio", "google.protobuf", "pygls", "debugpy")


def test_building_the_parser_imports_no_sdk_asyncio_or_server_library() -> None:
    probe = ("import json, sys\n"
             "from replaydbg.cli.parser import build_parser\n"
             "build_parser()\n"
             "print(json.dumps(sorted(sys.modules)))\n")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         check=True, timeout=60).stdout
    loaded = json.loads(out)
    assert [m for m in loaded if any(m == h or m.startswith(h + ".") for h in HEAVY)] == []
    assert "replaydbg.cli.pull_cmd" in loaded  # the parser did register the commands
