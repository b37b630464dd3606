"""``replaydbg history show|fetch``: look at a history, or save one from a server."""

from __future__ import annotations

import argparse
import json
import sys

from replaydbg.cli.sources import fetch_from_args
from replaydbg.errors import InputError
from replaydbg.history import History, format_event_table, load_history, save_history


def _history(args: argparse.Namespace) -> History:
    if args.file and args.workflow_id:
        raise InputError("give either a history FILE or --workflow-id, not both")
    if args.file:
        return load_history(args.file)
    return fetch_from_args(args)


def run_show(args: argparse.Namespace) -> int:
    """Entry point of ``replaydbg history show``."""
    history = _history(args)
    if args.json:
        json.dump(history.to_workflow_history().to_json_dict(), sys.stdout, indent=2)
        print()
    else:
        print(format_event_table(history))
    return 0


def run_fetch(args: argparse.Namespace) -> int:
    """Entry point of ``replaydbg history fetch``."""
    history = fetch_from_args(args)
    save_history(history, args.output)
    print(f"saved {len(history.events)} events of workflow {history.workflow_id} "
          f"(run {history.run_id}) to {args.output}", file=sys.stderr)
    return 0
