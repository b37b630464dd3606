"""``python -m replaydbg``: the same as the ``replaydbg`` command."""

from replaydbg.cli import run

run()
