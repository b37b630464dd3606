"""``python -m replaydbg``: the same as the ``replaydbg`` command."""

from replaydbg.cli import main

raise SystemExit(main())
