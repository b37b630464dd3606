"""Drive the test workflows on a real server: shared by the fixtures and the recording script."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from temporalio.client import Client, WorkflowHandle
from temporalio.worker import Worker

from tests.history.history_workflows import (
    ALL_ACTIVITIES,
    ALL_WORKFLOWS,
    RichInput,
    RichWorkflow,
    SignalSinkWorkflow,
    SimpleWorkflow,
)

#: Dev-server options the live tests rely on.
DEV_SERVER_ARGS = ("--search-attribute", "CustomKeyword=Keyword")


@asynccontextmanager
async def running_worker(client: Client) -> AsyncIterator[str]:
    """A worker for every test workflow on a fresh task queue; yields the queue name."""
    task_queue = f"history-tests-{uuid.uuid4()}"
    async with Worker(
        client, task_queue=task_queue, workflows=ALL_WORKFLOWS, activities=ALL_ACTIVITIES
    ):
        yield task_queue


async def run_simple(client: Client, workflow_id: str) -> str:
    """Run SimpleWorkflow to completion; returns its run id."""
    async with running_worker(client) as task_queue:
        handle = await client.start_workflow(
            SimpleWorkflow.run, "tests", id=workflow_id, task_queue=task_queue
        )
        await handle.result()
    assert handle.result_run_id is not None
    return handle.result_run_id


async def run_rich(client: Client, workflow_id: str) -> str:
    """Run RichWorkflow (both runs); returns the run id of the first, eventful run."""
    async with running_worker(client) as task_queue:
        handle = await client.start_workflow(
            RichWorkflow.run, RichInput(), id=workflow_id, task_queue=task_queue
        )
        await handle.signal(RichWorkflow.go)
        await handle.execute_update(RichWorkflow.set_value, "v1")
        await client.get_workflow_handle(workflow_id).result(follow_runs=True)
    assert handle.first_execution_run_id is not None
    return handle.first_execution_run_id


async def fill_with_signals(client: Client, workflow_id: str, count: int) -> str:
    """Start a workflow no worker ever runs and send it ``count`` signals, then terminate it.

    The server records signals without a worker, which makes long histories cheap to build.
    """
    handle: WorkflowHandle[SignalSinkWorkflow, None] = await client.start_workflow(
        SignalSinkWorkflow.run, id=workflow_id, task_queue=f"nobody-{uuid.uuid4()}"
    )
    for start in range(0, count, 200):
        batch = range(start, min(count, start + 200))
        await asyncio.gather(*(handle.signal(SignalSinkWorkflow.ping, n) for n in batch))
    await handle.terminate("history filled")
    assert handle.result_run_id is not None
    return handle.result_run_id
