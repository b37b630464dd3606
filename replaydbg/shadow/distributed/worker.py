"""``replaydbg shadow-worker``'s worker: the shadowing workflow and its activities.

It runs the user's workflow code (imported by the replays, as ``replaydbg replay`` does), so
it runs where that code and its dependencies are: the user's CI, or next to their workers.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
from datetime import timedelta
from pathlib import Path

from temporalio.client import Client
from temporalio.worker import Worker

from replaydbg.shadow.distributed.activities import ShadowActivities
from replaydbg.shadow.distributed.workflow import ShadowWorkflow
from replaydbg.shadow.replaying import ReplayOptions

logger = logging.getLogger(__name__)


async def serve(client: Client, task_queue: str, *, address: str,
                own: ReplayOptions | None, cache_root: Path | None, scratch: Path,
                ready: asyncio.Event | None = None) -> None:
    """Poll ``task_queue`` until cancelled (Ctrl-C, SIGTERM); finish the running batches."""
    activities = ShadowActivities(address=address, own=own, cache_root=cache_root,
                                  scratch=scratch)
    worker = Worker(client, task_queue=task_queue, workflows=[ShadowWorkflow],
                    activities=[activities.list_page, activities.replay_batch],
                    max_concurrent_activities=2,
                    # The client's identity is replaydbg's; a worker's names its process, as
                    # the SDK's default does (the run's history shows who replayed what).
                    identity=f"replaydbg shadow-worker {os.getpid()}@{socket.gethostname()}",
                    # A worker that stops waits this long for its batches to end.
                    graceful_shutdown_timeout=timedelta(seconds=30))
    try:
        async with worker:
            logger.info("shadow worker polling task queue %r", task_queue)
            if ready is not None:
                ready.set()
            await asyncio.Event().wait()
    finally:
        activities.close()
