"""Recorders of the incidents example: runs stuck on a failing workflow task, a failed run."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import tempfile
from typing import Any

from temporalio.api.enums.v1 import EventType
from temporalio.client import Client, WorkflowFailureError, WorkflowHandle, WorkflowHistory
from temporalio.worker import Worker

from recording.common import EXAMPLES_DIR, Recorded, cli_show, fetch, finished, log, until


def is_stuck(history: WorkflowHistory, failures: int) -> bool:
    """At least `failures` failed workflow tasks persisted and a retry in flight.

    The server persists the first failure of a task (and, after a failure on the sticky
    queue, the first attempt on the normal queue); later attempts are transient: the SDK's
    fetch shows the one in flight as WorkflowTaskScheduled (attempt >= 2) and Started.
    """
    events = history.events
    failed = sum(e.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED for e in events)
    return (
        failed >= failures
        and events[-1].event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED
        and events[-2].event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED
        and events[-2].workflow_task_scheduled_event_attributes.attempt >= 2
    )


async def stuck(handle: WorkflowHandle[Any, Any], failures: int) -> WorkflowHistory:
    """The history once the run is stuck with `failures` failed tasks (see `is_stuck`)."""
    fetched: list[WorkflowHistory] = []

    async def check() -> bool:
        fetched.append(await handle.fetch_history())
        return is_stuck(fetched[-1], failures)

    await until(check, f"{handle.id} to fail {failures} workflow task(s)", timeout=90)
    return fetched[-1]


async def waiting_after_activity(handle: WorkflowHandle[Any, Any]) -> bool:
    """Whether the run's first activity completed and the task after it did too."""
    types = [e.event_type for e in (await handle.fetch_history()).events]
    return (
        EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED in types
        and types[-1] == EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED
    )


async def fetch_stuck(
    client: Client, handle: WorkflowHandle[Any, Any], file_name: str, failures: int,
) -> Recorded:
    """Fetch a stuck run, SDK and CLI alike, while it is stuck; then terminate it."""
    history = await stuck(handle, failures)
    address = client.service_client.config.target_host
    shown = await asyncio.to_thread(cli_show, address, handle.id, handle.result_run_id)
    await handle.terminate("recorded: the stuck history is fetched")
    shown_file_name = file_name.replace(".json", "_cli.json")
    return Recorded(file_name, handle.id, handle.result_run_id, history, shown, shown_file_name)


async def record_stuck_order(client: Client, queue: str) -> Recorded:
    from incidents.workflows import StuckOrderWorkflow

    handle = await client.start_workflow(
        StuckOrderWorkflow.run, "7", id="stuck-order-7", task_queue=queue,
    )
    await until(lambda: waiting_after_activity(handle), "stuck-order-7 to wait for items")
    # Not in the price list: the task after this signal raises KeyError, and so do its retries.
    await handle.signal(StuckOrderWorkflow.add_item, "MUG-02")
    await stuck(handle, failures=2)
    # A signal during the retries: the failed attempt in flight is persisted and a new task
    # (with both signals) scheduled, which fails the same way.
    await handle.signal(StuckOrderWorkflow.add_item, "TEA-EARL")
    return await fetch_stuck(client, handle, "stuck.json", failures=3)


async def record_restricted(client: Client, queue: str) -> Recorded:
    from incidents.workflows import NightlyReportWorkflow

    handle = await client.start_workflow(
        NightlyReportWorkflow.run, "2026-05-03", id="restricted-report-3", task_queue=queue,
    )
    return await fetch_stuck(client, handle, "restricted.json", failures=1)


async def record_failing(client: Client, queue: str) -> Recorded:
    from incidents.workflows import RefundWorkflow

    handle = await client.start_workflow(
        RefundWorkflow.run, "R-9", id="failing-refund-9", task_queue=queue,
    )
    try:
        await finished(handle)
        raise RuntimeError("the refund should have failed its validation")
    except WorkflowFailureError as err:
        log.info("incidents: refund failed as planned (%s)", err.cause)
    return await fetch(client, "failed.json", handle.id, handle.result_run_id)


async def record_deadlock(client: Client) -> Recorded:
    """The deadlock, with its worker in a process of its own (see `deadlock_worker.py`)."""
    from incidents.workflows import LedgerWorkflow

    queue, address = "incidents-deadlock", client.service_client.config.target_host
    with tempfile.TemporaryFile() as stderr:
        worker = subprocess.Popen(
            [sys.executable, "-m", "incidents.deadlock_worker", address, queue],
            cwd=EXAMPLES_DIR, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=stderr,
        )
        try:
            handle = await client.start_workflow(
                LedgerWorkflow.run, "B-5", id="deadlock-ledger-5", task_queue=queue,
            )
            return await fetch_stuck(client, handle, "deadlock.json", failures=1)
        except TimeoutError:
            stderr.seek(0)
            log.error("deadlock worker's stderr:\n%s", stderr.read().decode(errors="replace"))
            raise
        finally:
            worker.kill()
            worker.wait()


async def record_incidents(client: Client) -> list[Recorded]:
    from incidents.activities import ALL_ACTIVITIES
    from incidents.workflows import NightlyReportWorkflow, RefundWorkflow, StuckOrderWorkflow

    queue = "incidents"
    workflows = [StuckOrderWorkflow, NightlyReportWorkflow, RefundWorkflow]
    async with Worker(client, task_queue=queue, workflows=workflows, activities=ALL_ACTIVITIES):
        recorded = [
            await record_stuck_order(client, queue),
            await record_restricted(client, queue),
            await record_failing(client, queue),
        ]
    return [*recorded, await record_deadlock(client)]
