"""A real dev server with one completed run of the bundled greeting workflow (original code)."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from temporalio.client import Client
from temporalio.worker import Worker

from replaydbg.testing import DevServer

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
