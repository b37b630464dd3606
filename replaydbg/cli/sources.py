"""Where the CLI's histories come from: files, directories, or a workflow id on a server."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Iterator
from pathlib import Path

from replaydbg.errors import HistoryFileError, InputError
from replaydbg.history import FetchOptions, History, fetch_history

logger = logging.getLogger(__name__)

HISTORY_SUFFIXES = (".json", ".json.gz", ".pb", ".binpb", ".pb.gz", ".binpb.gz", ".gz")


def fetch_options(args: argparse.Namespace) -> FetchOptions:
    """Connection options from the command line; unset ones fall back to env config."""
    return FetchOptions(
        workflow_id=args.workflow_id,
        run_id=args.run_id,
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


def history_files(paths: list[str]) -> Iterator[Path]:
    """Each path, with directories expanded to the history files inside (recursively)."""
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = sorted(p for p in path.rglob("*")
                           if p.is_file() and _looks_like_history(p.relative_to(path)))
            if not found:
                raise HistoryFileError(
                    f"{raw}: directory contains no history files",
                    hint=f"expected files ending in {', '.join(HISTORY_SUFFIXES[:4])}",
                )
            yield from found
        else:
            yield path


def _looks_like_history(path: Path) -> bool:
    """Whether a file found in a folder (``path`` relative to it) is a history to replay."""
    hidden = any(part.startswith(".") for part in path.parts[:-1])
    return not hidden and path.name.endswith(HISTORY_SUFFIXES)

