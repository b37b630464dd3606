"""``replaydbg shadow --on-temporal``: start the shadowing workflow, follow it, get its report.

Progress comes from the workflow's ``progress`` query, once a second. When no
``shadow-worker`` polls the task queue the command says so (and how to start one) instead of
waiting silently. Ctrl-C cancels the workflow; the report so far is the last progress.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from typing import Any

from temporalio.api.enums.v1 import TaskQueueType
from temporalio.api.taskqueue.v1 import TaskQueue
from temporalio.api.workflowservice.v1 import DescribeTaskQueueRequest
from temporalio.client import Client, WorkflowHandle
from temporalio.service import RPCError

from replaydbg.shadow.distributed.messages import PROGRESS, WORKFLOW, ShadowInput

logger = logging.getLogger(__name__)

#: Seconds without a poller on the task queue before the command says so.
NO_WORKER_GRACE = 10.0


async def run_on_temporal(client: Client, task_queue: str, given: ShadowInput, *,
                          workflow_id: str, on_digest: Callable[[dict[str, Any]], None],
                          say: Callable[[str], None]) -> dict[str, Any]:
    """Start the run, follow it until it ends; its final digest.

    ``on_digest`` hears the report so far after every progress query (the last one is the
    partial report if the command is interrupted, which cancels the workflow).
    """
    handle = await client.start_workflow(WORKFLOW, given, id=workflow_id,
                                         task_queue=task_queue, result_type=dict)
    say(f"started workflow {workflow_id} on task queue {task_queue!r} "
        f"(namespace {client.namespace!r})")
    ending = asyncio.ensure_future(handle.result())
    started, warned = time.monotonic(), False
    try:
        while not ending.done():
            await asyncio.wait([ending], timeout=1.0)
            await _progress(handle, on_digest)
            if not warned and time.monotonic() - started > NO_WORKER_GRACE:
                if not await _has_pollers(client, task_queue):
                    warned = True
                    say(f"no shadow-worker polls task queue {task_queue!r}: start one (or "
                        f"more) where your workflow code is: replaydbg shadow-worker "
                        f"--task-queue {task_queue}")
        digest: dict[str, Any] = ending.result()
        return digest
    except asyncio.CancelledError:
        ending.cancel()
        with contextlib.suppress(Exception):
            await asyncio.shield(_cancel(handle))
        raise


async def _progress(handle: WorkflowHandle[Any, Any],
                    on_digest: Callable[[dict[str, Any]], None]) -> None:
    try:
        progress = await handle.query(PROGRESS, result_type=dict)
    except Exception as err:  # between two runs (continue-as-new), or not started yet
        logger.debug("no progress yet: %s", err)
        return
    on_digest(progress["digest"])


async def _cancel(handle: WorkflowHandle[Any, Any]) -> None:
    await asyncio.wait_for(handle.cancel(), 10)


async def _has_pollers(client: Client, task_queue: str) -> bool:
    request = DescribeTaskQueueRequest(namespace=client.namespace,
                                       task_queue=TaskQueue(name=task_queue),
                                       task_queue_type=TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW)
    try:
        described = await client.workflow_service.describe_task_queue(request)
    except RPCError:
        return True  # cannot tell: say nothing
    return bool(described.pollers)
