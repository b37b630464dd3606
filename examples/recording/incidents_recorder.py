"""Recorders of the incidents example: runs stuck on a failing or timing-out workflow task,
a failed run. `INCIDENTS` records them one by one (`record_histories.py incidents:NAME`)."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import tempfile
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from datetime import timedelta
from typing import Any

from temporalio.api.enums.v1 import EventType, PendingWorkflowTaskState
from temporalio.client import Client, WorkflowFailureError, WorkflowHandle, WorkflowHistory
from temporalio.worker import Worker

from recording.common import (
    EXAMPLES_DIR,
    Recorded,
    Recorder,
    cli_show,
    fetch,
    finished,
    log,
    until,
)

QUEUE = "incidents"
STARTED = PendingWorkflowTaskState.PENDING_WORKFLOW_TASK_STATE_STARTED
SCHEDULED = PendingWorkflowTaskState.PENDING_WORKFLOW_TASK_STATE_SCHEDULED


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
    return await fetch_and_terminate(client, handle, file_name, await stuck(handle, failures))


async def fetch_and_terminate(
    client: Client, handle: WorkflowHandle[Any, Any], file_name: str, history: WorkflowHistory,
) -> Recorded:
    """The CLI's rendering of a run fetched through the SDK, at once; then terminate the run."""
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


@contextmanager
def worker_process(address: str, queue: str) -> Iterator[subprocess.Popen[bytes]]:
    """`deadlock_worker.py` in a process of its own; killed on exit, its stderr logged if the
    recording fails (a worker that never started is the usual cause)."""
    with tempfile.TemporaryFile() as stderr:
        worker = subprocess.Popen(
            [sys.executable, "-m", "incidents.deadlock_worker", address, queue],
            cwd=EXAMPLES_DIR, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=stderr,
        )
        try:
            yield worker
        except TimeoutError:
            stderr.seek(0)
            log.error("worker's stderr:\n%s", stderr.read().decode(errors="replace"))
            raise
        finally:
            worker.kill()
            worker.wait()


async def record_deadlock(client: Client) -> Recorded:
    """The deadlock, with its worker in a process of its own (see `deadlock_worker.py`)."""
    from incidents.workflows import LedgerWorkflow

    queue, address = "incidents-deadlock", client.service_client.config.target_host
    with worker_process(address, queue):
        handle = await client.start_workflow(
            LedgerWorkflow.run, "B-5", id="deadlock-ledger-5", task_queue=queue,
        )
        return await fetch_stuck(client, handle, "deadlock.json", failures=1)


async def task_state(handle: WorkflowHandle[Any, Any], state: int) -> bool:
    """Whether the run's pending workflow task is in that state (scheduled, started)."""
    pending = (await handle.describe()).raw_description.pending_workflow_task
    return pending.state == state


async def first_activity_done(handle: WorkflowHandle[Any, Any]) -> bool:
    types = [e.event_type for e in (await handle.fetch_history()).events]
    return EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED in types


async def killed_in_task(
    client: Client, handle: WorkflowHandle[Any, Any], queue: str, worker_number: int,
) -> None:
    """Run a worker until it has started the task after the first activity, then SIGKILL it.

    The kill comes well within the SDK's 2 s deadlock detector, so the worker never answers:
    what the server records is the task's start-to-close timeout, and a new attempt.
    """
    address = client.service_client.config.target_host
    with worker_process(address, queue) as worker:
        await until(lambda: first_activity_done(handle), f"{handle.id}'s first activity")
        await until(lambda: task_state(handle, STARTED), f"worker {worker_number} to start "
                    f"{handle.id}'s task", timeout=60)
        worker.kill()
    log.info("incidents: worker %d killed in %s's task", worker_number, handle.id)
    await until(lambda: task_state(handle, SCHEDULED),
                f"the server to time out {handle.id}'s task", timeout=60)


def timeouts(history: WorkflowHistory) -> int:
    return sum(e.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT
               for e in history.events)


async def record_timed_out(client: Client) -> Recorded:
    """A task whose worker died in it, twice: the server records WorkflowTaskTimedOut.

    The first attempt runs on the first worker's sticky queue, the second on the normal
    queue (attempt 1 again); both timeouts are persisted, and the SDK's fetch shows attempt 2
    scheduled, which `temporal workflow show` leaves out.
    """
    from incidents.workflows import IngestWorkflow

    queue = "incidents-timed-out"
    handle = await client.start_workflow(
        IngestWorkflow.run, "I-4", id="timed-out-ingest-4", task_queue=queue,
        task_timeout=timedelta(seconds=2),
    )
    await killed_in_task(client, handle, queue, worker_number=1)
    await killed_in_task(client, handle, queue, worker_number=2)
    history = await handle.fetch_history()
    if timeouts(history) != 2:
        await handle.terminate("recording failed")
        raise RuntimeError(f"expected 2 WorkflowTaskTimedOut in {handle.id}, the history has "
                           f"{timeouts(history)} (did the SDK's deadlock detector fire first?)")
    return await fetch_and_terminate(client, handle, "timed_out.json", history)


@asynccontextmanager
async def incidents_worker(client: Client) -> AsyncIterator[None]:
    """The worker of the incidents that run in process."""
    from incidents.activities import ALL_ACTIVITIES
    from incidents.workflows import NightlyReportWorkflow, RefundWorkflow, StuckOrderWorkflow

    workflows = [StuckOrderWorkflow, NightlyReportWorkflow, RefundWorkflow]
    async with Worker(client, task_queue=QUEUE, workflows=workflows, activities=ALL_ACTIVITIES):
        yield


async def record_incidents(client: Client) -> list[Recorded]:
    async with incidents_worker(client):
        recorded = [
            await record_stuck_order(client, QUEUE),
            await record_restricted(client, QUEUE),
            await record_failing(client, QUEUE),
        ]
    return [*recorded, await record_deadlock(client), await record_timed_out(client)]


def in_worker(record: Callable[[Client, str], Awaitable[Recorded]]) -> Recorder:
    async def recorder(client: Client) -> list[Recorded]:
        async with incidents_worker(client):
            return [await record(client, QUEUE)]
    return recorder


def alone(record: Callable[[Client], Awaitable[Recorded]]) -> Recorder:
    async def recorder(client: Client) -> list[Recorded]:
        return [await record(client)]
    return recorder


#: One incident at a time (`record_histories.py incidents:timed_out`), by file name.
INCIDENTS: dict[str, Recorder] = {
    "stuck": in_worker(record_stuck_order),
    "restricted": in_worker(record_restricted),
    "failed": in_worker(record_failing),
    "deadlock": alone(record_deadlock),
    "timed_out": alone(record_timed_out),
}
