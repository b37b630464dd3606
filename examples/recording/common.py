"""What every recorder shares: the recorded run, fetching, waiting, the CLI's view."""

from __future__ import annotations

import asyncio
import json
import logging
import subprocess
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from temporalio.client import Client, WorkflowHandle, WorkflowHistory

from replaydbg.testing.devserver import find_temporal_cli

EXAMPLES_DIR = Path(__file__).resolve().parents[1]
NAMESPACE = "default"
# Upper bound for any one workflow to finish; the batch is the slow one.
RESULT_TIMEOUT = 300.0

log = logging.getLogger("record_histories")


@dataclass(frozen=True)
class Recorded:
    """One history to write: `<example>/<file_name>`."""

    file_name: str
    workflow_id: str
    run_id: str | None
    history: WorkflowHistory
    # A run fetched while still going: `temporal workflow show`'s rendering taken at the same
    # moment (the run has been terminated since), and the file that keeps it when it differs.
    shown: object = None
    shown_file_name: str | None = None


Recorder = Callable[[Client], Awaitable[list[Recorded]]]


async def fetch(client: Client, file_name: str, workflow_id: str, run_id: str | None) -> Recorded:
    """The full history of one run (the latest run when `run_id` is None)."""
    history = await client.get_workflow_handle(workflow_id, run_id=run_id).fetch_history()
    return Recorded(file_name, workflow_id, run_id, history)


async def finished(handle: WorkflowHandle[Any, Any]) -> object:
    """The workflow's result, bounded in time so that a stuck recording fails loudly."""
    return await asyncio.wait_for(handle.result(), RESULT_TIMEOUT)


async def until(condition: Callable[[], Awaitable[bool]], what: str, timeout: float = 30) -> None:
    """Poll `condition` until it holds."""
    deadline = time.monotonic() + timeout
    while not await condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"gave up waiting for {what}")
        await asyncio.sleep(0.1)


def events_of(shown: object) -> list[Any]:
    """The events of a history in CLI JSON form."""
    assert isinstance(shown, dict)
    events: list[Any] = shown["events"]
    return events


def cli_show(
    address: str, workflow_id: str, run_id: str | None, *extra_args: str,
) -> object:
    """The same history as `temporal workflow show --output json` prints it."""
    cli = find_temporal_cli()
    assert cli is not None, "the dev server runs, so the CLI is installed"
    args = [
        cli, "workflow", "show", "--output", "json", "--address", address,
        "--namespace", NAMESPACE, "--workflow-id", workflow_id, *extra_args,
    ]
    if run_id:
        args += ["--run-id", run_id]
    out = subprocess.run(args, capture_output=True, check=True, timeout=120).stdout
    return json.loads(out)
