"""``replaydbg history show|fetch``: look at a history, or save one from a server."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from typing import Any

from replaydbg.cli.converters import display_converter, undecodable_hint
from replaydbg.cli.sources import fetch_from_args
from replaydbg.errors import InputError
from replaydbg.history import History, format_event_table, load_history, save_history
from replaydbg.history.decoded import DecodedEvents, decode_history
from replaydbg.history.payload_text import PayloadDecoder, has_undecodable, to_json
from replaydbg.replay.discovery import ensure_import_path


def _history(args: argparse.Namespace) -> History:
    if args.file and args.workflow_id:
        raise InputError("give either a history FILE or --workflow-id, not both")
    if args.file:
        return load_history(args.file)
    return fetch_from_args(args)


def run_show(args: argparse.Namespace) -> int:
    """Entry point of ``replaydbg history show``."""
    history = _history(args)
    ensure_import_path()
    converter, endpoint = display_converter(args)
    decoder = PayloadDecoder(converter, hint=undecodable_hint(args, endpoint))
    decoded = asyncio.run(decode_history(history, decoder))
    if args.json:
        json.dump(_json_document(history, decoded), sys.stdout, indent=2, ensure_ascii=False)
        print()
        return 0
    print(format_event_table(history, decoded))
    if any(has_undecodable(v) for values in decoded.values() for v in values.values()):
        print(f"\npayloads shown <…: cannot decode>: {decoder.hint}")
    return 0


def _json_document(history: History, decoded: DecodedEvents) -> dict[str, Any]:
    """The proto3 JSON history, each event with payloads getting a ``decoded`` object.

    Loaders of proto3 JSON (the SDK's ``WorkflowHistory.from_json``, replaydbg's) ignore the
    extra key, so the output still loads as a history.
    """
    document: dict[str, Any] = history.to_workflow_history().to_json_dict()
    for event, shown in zip(history.events, document["events"], strict=True):
        values = decoded.get(event.event_id)
        if values:
            shown["decoded"] = {path: to_json(value) for path, value in values.items()}
    return document


def run_fetch(args: argparse.Namespace) -> int:
    """Entry point of ``replaydbg history fetch``."""
    history = fetch_from_args(args)
    save_history(history, args.output)
    print(f"saved {len(history.events)} events of workflow {history.workflow_id} "
          f"(run {history.run_id}) to {args.output}", file=sys.stderr)
    return 0
