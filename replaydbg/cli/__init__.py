"""The ``replaydbg`` command line: sub-commands on top of the history and replay layers.

The error boundary lives here: a :class:`ReplaydbgError` becomes a one-paragraph message
and its exit code (2 for bad input); anything else is an internal error whose traceback
goes to the log, never a raw traceback on the terminal.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Sequence

from replaydbg.cli.parser import build_parser
from replaydbg.errors import ReplaydbgError
from replaydbg.lifeline import exit_with_parent_if_asked
from replaydbg.logsetup import configure_logging

logger = logging.getLogger("replaydbg")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line and return its exit code."""
    if argv is None:
        exit_with_parent_if_asked()
    parser = build_parser()
    args = parser.parse_args(argv)
    configure_logging(verbose=args.verbose, log_file=args.log_file)
    if getattr(args, "max_history_size", None):
        # Through the environment, so the debug adapter's debuggee and mapper apply it too.
        os.environ["REPLAYDBG_MAX_HISTORY_SIZE"] = args.max_history_size
    try:
        code: int = args.handler(args)
        return code
    except ReplaydbgError as err:
        print(f"replaydbg: error: {err}", file=sys.stderr)
        return err.exit_code
    except BrokenPipeError:  # e.g. piped into `head`: the reader has what it wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        print("replaydbg: interrupted", file=sys.stderr)
        return 130
    except Exception as err:  # an internal error: short message here, traceback in the log
        logger.debug("internal error", exc_info=True)
        print(f"replaydbg: internal error: {type(err).__name__}: {err}\n"
              "  hint: run again with -v to see the traceback, and report it", file=sys.stderr)
        if args.verbose:
            logger.error("traceback", exc_info=True)
        return 1


def run() -> None:
    """Console-script entry point: :func:`main`, then leave without interpreter teardown.

    The SDK's Rust core keeps threads (gRPC clients, the runtime) that can crash when the
    interpreter finalises around them, turning a clean exit code into a segfault. All our
    output is flushed first, then the process ends with ``os._exit``.
    """
    code = main()
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (BrokenPipeError, ValueError):
            pass
    os._exit(code)
