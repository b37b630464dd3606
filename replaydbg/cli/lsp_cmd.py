"""``replaydbg lsp``: the language server, on stdin/stdout or on a local TCP port.

Editors start the server themselves and talk over its stdin/stdout, so nothing else may
ever write to stdout: logs go to stderr or ``--log-file``. VS Code's language client
appends ``--stdio`` to the command line; it is accepted and means the default. TCP listens
on 127.0.0.1 only: the protocol has no authentication, and the server reads the files of
whoever connects to it.
"""

from __future__ import annotations

import argparse
import gc
import logging
import sys
from typing import Any

from replaydbg.cli.parser import add_common_options, lazy_handler
from replaydbg.errors import InputError

#: The port ``--tcp`` listens on by default (the one pygls' examples use).
DEFAULT_PORT = 2087


def add_parser(subparsers: Any) -> None:
    """Register ``replaydbg lsp``."""
    lsp = subparsers.add_parser(
        "lsp", help="run the language server (determinism diagnostics in your editor)",
        description="Run the replaydbg language server: determinism diagnostics and quick "
        "fixes for Temporal workflow code, over stdin/stdout (the default) or TCP.",
    )
    add_common_options(lsp)  # -vv also logs every LSP message (pygls' own log)
    transport = lsp.add_mutually_exclusive_group()
    transport.add_argument("--stdio", action="store_true",
                           help="talk LSP over stdin/stdout (the default; editors pass it)")
    transport.add_argument("--tcp", action="store_true",
                           help="listen on 127.0.0.1 instead (for debugging the server)")
    lsp.add_argument("--port", type=int, default=None, metavar="PORT",
                     help=f"TCP port to listen on; implies --tcp (default {DEFAULT_PORT})")
    lsp.set_defaults(handler=lazy_handler("lsp_cmd", "run_lsp"))


def run_lsp(args: argparse.Namespace) -> int:
    """Serve until the client says ``exit`` (0 after a ``shutdown``, else 1, as LSP asks)."""
    # Imported here: pygls and the rules are not needed for the other commands.
    from replaydbg.lsp import create_server

    if args.stdio and args.port is not None:
        raise InputError("--port cannot be combined with --stdio",
                         hint="pass --tcp --port PORT, or --stdio alone")
    if args.verbose < 2:
        # pygls logs every message it sends or receives at INFO: that is -vv's job.
        logging.getLogger("pygls").setLevel(logging.WARNING)
    server = create_server()
    # pygls and lsprotocol leave ~50,000 long-lived objects behind at import; a full garbage
    # collection walks them all (~11 ms here), and publications allocate enough to trigger
    # one now and then. Frozen, they are skipped.
    gc.freeze()
    if args.tcp or args.port is not None:
        port = DEFAULT_PORT if args.port is None else args.port
        if not 0 <= port <= 65535:
            raise InputError(f"--port {port} is not a TCP port",
                             hint="give a port from 1 to 65535, or 0 for any free port")
        server.start_tcp("127.0.0.1", port, announce=_announce)
    else:
        server.start_io()
    return 0 if server.shut_down else 1


def _announce(host: str, port: int) -> None:
    """Say where the server listens (the port is the OS's choice with ``--port 0``)."""
    print(f"replaydbg lsp: listening on {host}:{port}", file=sys.stderr, flush=True)
