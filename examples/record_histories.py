"""Record the example histories from a real Temporal dev server.

    python examples/record_histories.py                  # every example
    python examples/record_histories.py orders greeting  # only these

Starts `temporal server start-dev` (through `replaydbg.testing.devserver`), runs a real worker
for each example, drives its workflows (signals, updates, a query, cancellation), waits for
them to finish, and writes each history as `<example>/<file>.json` in the format of
`temporal workflow show --output json`. Every history written is also fetched once through
that CLI command and compared, so a format drift between the SDK and the CLI shows up here.
Runs that get stuck on a failing workflow task (`incidents`) are fetched while stuck, through
the SDK and the CLI at the same moment, then terminated. The server is always stopped at the
end.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from temporalio.api.enums.v1 import EventType, PendingActivityState
from temporalio.client import (
    Client,
    WorkflowFailureError,
    WorkflowHandle,
    WorkflowHistory,
    WorkflowUpdateFailedError,
)
from temporalio.runtime import LoggingConfig, Runtime, TelemetryConfig, TelemetryFilter
from temporalio.worker import Worker

from replaydbg.testing.devserver import DevServer, find_temporal_cli

EXAMPLES_DIR = Path(__file__).resolve().parent
NAMESPACE = "default"
# `OrderWorkflow` upserts this custom Keyword search attribute.
SERVER_ARGS = ("--search-attribute", "OrderStatus=Keyword")
# Upper bound for any one workflow to finish; the batch is the slow one.
RESULT_TIMEOUT = 300.0
# The batch history should stay about this long; how many workflow tasks the server needs for
# each chunk depends on timing, so the count moves a little from one recording to the next.
BATCH_EVENTS = range(9_500, 11_001)

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


# --- orders -------------------------------------------------------------------------------


async def activity_started(handle: WorkflowHandle[Any, Any], activity_type: str) -> bool:
    """Whether a worker has picked up the workflow's pending activity of that type."""
    description = await handle.describe()
    return any(
        pending.activity_type.name == activity_type
        and pending.state == PendingActivityState.PENDING_ACTIVITY_STATE_STARTED
        for pending in description.raw_description.pending_activities
    )


async def record_orders(client: Client) -> list[Recorded]:
    from orders.activities import ALL_ACTIVITIES, LineItem, Order
    from orders.workflows import OrderWorkflow, ShippingWorkflow

    items = [LineItem("MUG-01", 2, 1250)]
    order = Order("1001", "ada@example.com", "12  rue des Fleurs,\n Paris", items)
    queue, workflows = "orders", [OrderWorkflow, ShippingWorkflow]
    async with Worker(client, task_queue=queue, workflows=workflows, activities=ALL_ACTIVITIES):
        handle = await client.start_workflow(
            OrderWorkflow.run, order, id="order-1001", task_queue=queue,
        )
        # The reminders must be running before approval, or there is nothing to cancel.
        await until(lambda: activity_started(handle, "remind_to_pay"), "remind_to_pay to start")
        await handle.signal(OrderWorkflow.add_item, LineItem("TEA-EARL", 1, 899))
        log.info("orders: status query -> %s", await handle.query(OrderWorkflow.status))
        total = await handle.execute_update(OrderWorkflow.apply_coupon, "WELCOME10")
        log.info("orders: coupon WELCOME10 accepted, total %d cents", total)
        try:
            await handle.execute_update(OrderWorkflow.apply_coupon, "FREESHIP")
            raise RuntimeError("the validator should have rejected coupon FREESHIP")
        except WorkflowUpdateFailedError as err:
            log.info("orders: coupon FREESHIP rejected as planned (%s)", err.cause)
        await handle.signal(OrderWorkflow.approve, "ops@example.com")
        log.info("orders: result %s", await finished(handle))
    return [
        await fetch(client, "history.json", "order-1001", handle.result_run_id),
        await fetch(client, "history_shipping.json", "shipping-1001", None),
    ]


# --- batch --------------------------------------------------------------------------------


async def record_batch(client: Client) -> list[Recorded]:
    from batch.activities import ALL_ACTIVITIES, BatchJob
    from batch.workflows import BatchWorkflow

    job = BatchJob("nightly-2024-05-01", item_count=2500, chunk_size=5, pause_every=500)
    queue, workflows = "batch", [BatchWorkflow]
    async with Worker(client, task_queue=queue, workflows=workflows, activities=ALL_ACTIVITIES):
        handle = await client.start_workflow(
            BatchWorkflow.run, job, id="batch-0501", task_queue=queue,
        )
        log.info("batch: result %s", await finished(handle))
    recorded = await fetch(client, "history.json", "batch-0501", handle.result_run_id)
    if len(recorded.history.events) not in BATCH_EVENTS:
        log.warning("batch: %d events, outside the intended %d-%d; adjust chunk_size",
                    len(recorded.history.events), BATCH_EVENTS.start, BATCH_EVENTS.stop - 1)
    return [recorded]


# --- greeting -----------------------------------------------------------------------------


async def record_greeting(client: Client) -> list[Recorded]:
    from greeting.activities import ALL_ACTIVITIES, GreetingRequest

    # The ORIGINAL code: `greeting/workflows.py` has since changed and no longer replays this.
    from greeting.original_workflows import GreetingWorkflow

    queue, workflows, request = "greeting", [GreetingWorkflow], GreetingRequest("ada-7")
    async with Worker(client, task_queue=queue, workflows=workflows, activities=ALL_ACTIVITIES):
        handle = await client.start_workflow(
            GreetingWorkflow.run, request, id="greeting-ada-7", task_queue=queue,
        )
        log.info("greeting: result %r", await finished(handle))
    return [await fetch(client, "history.json", "greeting-ada-7", handle.result_run_id)]


# --- lifecycle ----------------------------------------------------------------------------


async def timer_started(handle: WorkflowHandle[Any, Any]) -> bool:
    """Whether the workflow's history holds a TimerStarted event yet."""
    history = await handle.fetch_history()
    return any(e.event_type == EventType.EVENT_TYPE_TIMER_STARTED for e in history.events)


def continued_run_id(history: WorkflowHistory) -> str:
    """The run a continued-as-new history hands over to."""
    last = history.events[-1]
    if last.event_type != EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW:
        ended = EventType.Name(last.event_type)
        raise RuntimeError(f"expected the first run to continue as new, it ended with {ended}")
    return last.workflow_execution_continued_as_new_event_attributes.new_execution_run_id


async def record_lifecycle(client: Client) -> list[Recorded]:
    from lifecycle import fault_injection
    from lifecycle.activities import ALL_ACTIVITIES, Subscription
    from lifecycle.workflows import SubscriptionWorkflow, TrialWorkflow

    queue, workflows = "lifecycle", [SubscriptionWorkflow, TrialWorkflow]
    async with Worker(client, task_queue=queue, workflows=workflows, activities=ALL_ACTIVITIES):
        trial = await client.start_workflow(
            TrialWorkflow.run, "acct-42", id="trial-42", task_queue=queue,
        )
        await until(lambda: timer_started(trial), "the trial's timer to start")
        # The subscription's first workflow task raises once; the server retries it.
        fault_injection.arm("subscription-42")
        subscription = Subscription("acct-42", "pro", periods=2, trial_workflow_id="trial-42")
        handle = await client.start_workflow(
            SubscriptionWorkflow.run, subscription, id="subscription-42", task_queue=queue,
        )
        log.info("lifecycle: subscription result %r", await finished(handle))
        try:
            await finished(trial)
            raise RuntimeError("the trial should have ended as cancelled")
        except WorkflowFailureError as err:
            log.info("lifecycle: trial ended as planned (%s)", err.cause)
    first = await fetch(client, "history.json", "subscription-42", handle.first_execution_run_id)
    second_run = continued_run_id(first.history)
    second = await fetch(client, "history_run2.json", "subscription-42", second_run)
    cancelled = await fetch(client, "history_trial.json", "trial-42", trial.result_run_id)
    return [first, second, cancelled]


# --- incidents ----------------------------------------------------------------------------


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


# --- secure -------------------------------------------------------------------------------


async def activity_completed(handle: WorkflowHandle[Any, Any]) -> bool:
    """Whether the run's history holds an ActivityTaskCompleted yet."""
    history = await handle.fetch_history()
    return any(e.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED for e in history.events)


async def signal_handled(handle: WorkflowHandle[Any, Any]) -> bool:
    """Whether a signal reached the run and the workflow task after it completed."""
    types = [e.event_type for e in (await handle.fetch_history()).events]
    return (
        EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED in types
        and types[-1] == EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED
    )


async def record_payroll(client: Client) -> Recorded:
    from secure.activities import ALL_ACTIVITIES
    from secure.context import requested_by
    from secure.plugin import plugin
    from secure.workflows import PayrollWorkflow

    # The worker inherits the client's plugin: codec, interceptor and sandbox pass-through.
    secure = Client(client.service_client, namespace=NAMESPACE, plugins=[plugin])
    queue = "secure"
    async with Worker(secure, task_queue=queue, workflows=[PayrollWorkflow],
                      activities=ALL_ACTIVITIES):
        token = requested_by.set("hr-lead@example.com")
        try:
            handle = await secure.start_workflow(
                PayrollWorkflow.run, args=("E-1024", "2026-05"), id="payroll-E-1024-2026-05",
                task_queue=queue,
            )
        finally:
            requested_by.reset(token)
        await until(lambda: activity_completed(handle), "the payslip")
        # The requester's own approval does not count (four eyes); the second one does.
        await handle.signal(PayrollWorkflow.approve, "hr-lead@example.com")
        await until(lambda: signal_handled(handle), "the first approval's workflow task")
        await handle.signal(PayrollWorkflow.approve, "cfo@example.com")
        log.info("secure: payroll result %r", await finished(handle))
    return await fetch(client, "history.json", handle.id, handle.result_run_id)


async def record_invoice(client: Client) -> Recorded:
    from secure.models import Invoice, LineItem
    from secure.pydantic_activities import ALL_ACTIVITIES
    from secure.pydantic_workflows import InvoiceWorkflow
    from temporalio.contrib.pydantic import pydantic_data_converter

    pydantic = Client(
        client.service_client, namespace=NAMESPACE, data_converter=pydantic_data_converter,
    )
    items = [LineItem(sku="MUG-01", quantity=2, unit_price=Decimal("12.50")),
             LineItem(sku="TEA-EARL", quantity=1, unit_price=Decimal("8.99"))]
    invoice = Invoice(invoice_id="INV-2026-0042", customer="ada@example.com",
                      issued_on=date(2026, 5, 3), items=items)
    queue = "secure-pydantic"
    async with Worker(pydantic, task_queue=queue, workflows=[InvoiceWorkflow],
                      activities=ALL_ACTIVITIES):
        handle = await pydantic.start_workflow(
            InvoiceWorkflow.run, invoice, id="invoice-2026-0042", task_queue=queue,
        )
        log.info("secure: invoice result %r", await finished(handle))
    return await fetch(client, "history_pydantic.json", handle.id, handle.result_run_id)


def shown_through_codec_server(address: str, recorded: Recorded) -> object:
    """The run as `temporal workflow show` prints it through `secure/codec_server.py`."""
    token = "recording-token"
    server = subprocess.Popen(
        [sys.executable, "-m", "secure.codec_server", "--port", "0", "--auth", token],
        cwd=EXAMPLES_DIR, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL, text=True,
    )
    try:
        assert server.stdout is not None
        url = server.stdout.readline().strip().removeprefix("listening on ")
        codec = ("--codec-endpoint", url, "--codec-auth", f"Bearer {token}")
        return cli_show(address, recorded.workflow_id, recorded.run_id, *codec)
    finally:
        server.terminate()
        server.wait()


def check_codec_server(client: Client, recorded: Recorded) -> None:
    """The Temporal CLI, pointed at the example's codec server, reads the payroll in clear."""
    address = client.service_client.config.target_host
    shown = shown_through_codec_server(address, recorded)
    started = events_of(shown)[0]["workflowExecutionStartedEventAttributes"]
    encodings = {p["metadata"]["encoding"] for p in started["input"]["payloads"]}
    if encodings != {"anNvbi9wbGFpbg=="}:  # base64 of json/plain
        raise RuntimeError(f"the codec server did not decode the payroll's input: {encodings}")
    log.info("secure: `temporal workflow show --codec-endpoint` decodes through the codec server")


async def record_secure(client: Client) -> list[Recorded]:
    payroll = await record_payroll(client)
    await asyncio.to_thread(check_codec_server, client, payroll)
    return [payroll, await record_invoice(client)]


RECORDERS: dict[str, Recorder] = {
    "orders": record_orders,
    "batch": record_batch,
    "greeting": record_greeting,
    "lifecycle": record_lifecycle,
    "incidents": record_incidents,
    "secure": record_secure,
}


# --- writing and checking -----------------------------------------------------------------


def write_json(path: Path, history: object) -> None:
    path.write_text(json.dumps(history, indent=2) + "\n")


def events_of(shown: object) -> list[Any]:
    """The events of a history in CLI JSON form."""
    assert isinstance(shown, dict)
    events: list[Any] = shown["events"]
    return events


def event_counts(history: WorkflowHistory) -> Counter[str]:
    """How many events of each type, by short name (`ActivityTaskScheduled`)."""
    names = (EventType.Name(e.event_type) for e in history.events)
    return Counter(
        "".join(part.capitalize() for part in name.removeprefix("EVENT_TYPE_").split("_"))
        for name in names
    )


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


def write(server: DevServer, example: str, recorded: Recorded) -> None:
    """Write one history and check it against the CLI's rendering of the same run."""
    as_json = recorded.history.to_json_dict()
    shown = recorded.shown
    if shown is None:
        shown = cli_show(server.address, recorded.workflow_id, recorded.run_id)
    if as_json != shown:
        if recorded.shown_file_name is None:
            log.warning("%s/%s differs from `temporal workflow show`", example, recorded.file_name)
        else:
            write_json(EXAMPLES_DIR / example / recorded.shown_file_name, shown)
            log.info("wrote %s/%s: `temporal workflow show`'s rendering (%d events)",
                     example, recorded.shown_file_name, len(events_of(shown)))
    path = EXAMPLES_DIR / example / recorded.file_name
    write_json(path, as_json)
    counts = event_counts(recorded.history)
    summary = ", ".join(f"{name} {n}" for name, n in sorted(counts.items()))
    shown = path.relative_to(EXAMPLES_DIR)
    log.info("wrote %s: %d events (%s)", shown, len(recorded.history.events), summary)


async def record(server: DevServer, names: list[str]) -> None:
    # Core's own warnings (the deliberate workflow-task failure, activity retries) are expected.
    runtime = Runtime(telemetry=TelemetryConfig(
        logging=LoggingConfig(filter=TelemetryFilter(core_level="ERROR", other_level="ERROR")),
    ))
    client = await Client.connect(server.address, namespace=NAMESPACE, runtime=runtime)
    for name in names:
        started = time.monotonic()
        for recorded in await RECORDERS[name](client):
            write(server, name, recorded)
        log.info("%s recorded in %.1f s", name, time.monotonic() - started)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "names", nargs="*", metavar="name",
        help=f"examples to record (default: all of {', '.join(RECORDERS)})",
    )
    args = parser.parse_args(argv)
    unknown = sorted(set(args.names) - set(RECORDERS))
    if unknown:
        parser.error(f"unknown example(s) {', '.join(unknown)}; choose from {', '.join(RECORDERS)}")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    # The deliberate failures (payment attempts 1-2, the injected task failure) log tracebacks.
    logging.getLogger("temporalio").setLevel(logging.ERROR)
    sys.path.insert(0, str(EXAMPLES_DIR))
    started = time.monotonic()
    with DevServer(extra_args=SERVER_ARGS) as server:
        asyncio.run(record(server, args.names or list(RECORDERS)))
    log.info("all done in %.1f s", time.monotonic() - started)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
