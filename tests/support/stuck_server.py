"""A real dev server with a stuck run of examples/incidents' StuckOrder (still running).

The worker runs until the server has recorded a failed workflow task, then stops: the run
stays stuck on the server, its history ending in the task the server retries.
"""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path

from temporalio.api.enums.v1 import EventType
from temporalio.client import Client
from temporalio.worker import Worker

from replaydbg.testing import DevServer

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
_QUEUE = "stuck-test"


async def get_stuck(address: str, workflow_id: str) -> None:
    if str(EXAMPLES) not in sys.path:
        sys.path.insert(0, str(EXAMPLES))
    from incidents.activities import ALL_ACTIVITIES
    from incidents.workflows import StuckOrderWorkflow

    client = await Client.connect(address)
    async with Worker(client, task_queue=_QUEUE, workflows=[StuckOrderWorkflow],
                      activities=ALL_ACTIVITIES):
        handle = await client.start_workflow(StuckOrderWorkflow.run, "order-by-id",
                                             id=workflow_id, task_queue=_QUEUE)
        await handle.signal(StuckOrderWorkflow.add_item, "MUG-02")  # not in the price list
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            events = (await handle.fetch_history()).events
            if any(e.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED for e in events):
                return
            await asyncio.sleep(0.2)
        raise TimeoutError(f"{workflow_id} never failed a workflow task")


def start_with_stuck_order(workflow_id: str) -> DevServer:
    """Start a dev server with a stuck StuckOrder run; the caller stops the server."""
    server = DevServer().start()
    try:
        asyncio.run(get_stuck(server.address, workflow_id))
    except BaseException:
        server.stop()
        raise
    return server
