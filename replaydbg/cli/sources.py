"""Where the CLI's histories come from: a workflow id on a server (files: ``history.files``)."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys

from replaydbg.errors import InputError
from replaydbg.history import FetchOptions, History, fetch_history

logger = logging.getLogger(__name__)


def fetch_options(args: argparse.Namespace) -> FetchOptions:
    """Connection options from the command line; unset ones fall back to env config."""
    return FetchOptions(
        workflow_id=getattr(args, "workflow_id", None) or "",
        run_id=getattr(args, "run_id", None),
        namespace=args.namespace,
        address=args.address,
        api_key=args.api_key,
        tls=args.tls,
        tls_ca_path=args.tls_ca,
        tls_cert_path=args.tls_cert,
        tls_key_path=args.tls_key,
        tls_server_name=args.tls_server_name,
        profile=args.profile,
        config_file=args.config_file,
        connect_timeout=args.connect_timeout,
    )


class _Progress:
    """Shows a fetch's progress on stderr when it is a terminal, else in the log."""

    def __init__(self, workflow_id: str) -> None:
        self.workflow_id = workflow_id
        self.tty = sys.stderr.isatty()

    def __call__(self, events: int) -> None:
        if self.tty:
            print(f"\rfetching {self.workflow_id}: {events} events", end="", file=sys.stderr)
        else:
            logger.info("fetching %s: %d events", self.workflow_id, events)

    def done(self) -> None:
        if self.tty:
            print(file=sys.stderr)


def fetch_from_args(args: argparse.Namespace) -> History:
    """Fetch the history named by ``--workflow-id`` and the connection options."""
    if not args.workflow_id:
        raise InputError("no history given", hint="pass a history FILE or --workflow-id ID")
    progress = _Progress(args.workflow_id)
    try:
        return asyncio.run(fetch_history(fetch_options(args), progress=progress))
    finally:
        progress.done()
