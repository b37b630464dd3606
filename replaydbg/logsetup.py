"""Logging setup of every command and its worker processes: stderr or a file, never stdout."""

from __future__ import annotations

import logging
import sys


def configure_logging(*, verbose: int, log_file: str | None) -> None:
    """WARNING by default, INFO with ``-v``, DEBUG with ``-vv``; to ``log_file`` if given."""
    level = logging.WARNING if verbose == 0 else logging.INFO if verbose == 1 else logging.DEBUG
    handler: logging.Handler
    if log_file:
        handler = logging.FileHandler(log_file, encoding="utf-8")
    else:
        handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # The SDK's log of every failed activation (with a traceback) is taken by the replay
    # engine, which reports the same failure itself, located in the user's code.
