"""``replaydbg dap``: the debug adapter an editor launches (stdio, or one TCP client)."""

from __future__ import annotations

import argparse
import signal
import socket
import sys
from typing import Any

from replaydbg.cli.parser import add_common_options, add_size_limit_option, lazy_handler
from replaydbg.errors import InputError, PortError


def add_parser(sub: Any) -> None:
    """Register ``replaydbg dap``."""
    dap = sub.add_parser("dap", help="run the debug adapter (DAP) for editors",
                         description="Debug Adapter Protocol server that replays a workflow "
                         "history under debugpy, with breakpoints on history events.")
    add_common_options(dap)
    dap.add_argument("--port", type=int, help="serve one client on 127.0.0.1:PORT instead of "
                     "stdio (0: any free port; the port is printed on stderr)")
    add_size_limit_option(dap)
    dap.set_defaults(handler=lazy_handler("dap_cmd", "run_dap"))


def run_dap(args: argparse.Namespace) -> int:
    """Serve one debug session."""
    from replaydbg.dap.adapter.debugpy_side import prestart

    if args.port is None:
        prestart()  # debugpy's adapter starts while the session's modules import
        from replaydbg.dap.adapter.session import Session

        _end_on_signals()
        Session(sys.stdin.buffer, sys.stdout.buffer).run()
        return 0
    from replaydbg.dap.adapter.session import Session

    _end_on_signals()
    with _listen(args.port) as server:
        print(f"replaydbg dap: listening on 127.0.0.1:{server.getsockname()[1]}",
              file=sys.stderr, flush=True)
        prestart()  # while the editor connects
        connection, _ = server.accept()
    with connection, connection.makefile("rb") as reader, connection.makefile("wb") as writer:
        Session(reader, writer).run()
        _close_gently(connection)
    return 0


def _end_on_signals() -> None:
    """SIGTERM and SIGHUP end the session through its cleanup (the history copies go too)."""
    def leave(signum: int, frame: object) -> None:
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, leave)
    signal.signal(signal.SIGHUP, leave)


def _listen(port: int) -> socket.socket:
    try:
        return socket.create_server(("127.0.0.1", port))
    except OverflowError as err:
        raise InputError(f"--port {port} is not a TCP port",
                         hint="give a port from 1 to 65535, or 0 for any free port") from err
    except OSError as err:
        raise PortError.from_os_error(err, "127.0.0.1", port, "--port") from err


def _close_gently(connection: socket.socket) -> None:
    """Say we are done, then let the client close the connection.

    Closing first, with bytes of the client still unread, would reset it under the client.
    """
    try:
        connection.shutdown(socket.SHUT_WR)
        connection.settimeout(2.0)
        while connection.recv(4096):
            pass
    except OSError:
        pass
