"""A worker for `LedgerWorkflow` and `IngestWorkflow` in a process of its own, run by the
record script.

    python -m incidents.deadlock_worker ADDRESS TASK_QUEUE     # from examples/

Each workflow has a task that never ends. The SDK's deadlock detector fails the task after two
seconds and tries to interrupt the spinning thread, but nothing guarantees that the thread
stops, and a worker waits for its workflow threads before it shuts down: so the record script
runs this worker in its own process and kills it, once the history is fetched (`LedgerPosting`)
or as soon as it has started the task, before the detector fires (`Ingest`: the worker dies
in the task, and the server times it out).
"""

from __future__ import annotations

import asyncio
import logging
import sys

from temporalio.client import Client
from temporalio.worker import Worker

from incidents.activities import ALL_ACTIVITIES
from incidents.workflows import IngestWorkflow, LedgerWorkflow


async def serve(address: str, task_queue: str) -> None:
    client = await Client.connect(address)
    workflows = [LedgerWorkflow, IngestWorkflow]
    worker = Worker(client, task_queue=task_queue, workflows=workflows, activities=ALL_ACTIVITIES)
    await worker.run()


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: python -m incidents.deadlock_worker ADDRESS TASK_QUEUE", file=sys.stderr)
        return 2
    logging.basicConfig(level=logging.WARNING)
    asyncio.run(serve(argv[0], argv[1]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
