"""Record the example histories from a real Temporal dev server.

    python examples/record_histories.py                  # every example
    python examples/record_histories.py orders greeting  # only these
    python examples/record_histories.py incidents:timed_out  # one incident (its file's name)

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
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

from recording.common import (
    EXAMPLES_DIR,
    NAMESPACE,
    Recorded,
    Recorder,
    cli_show,
    events_of,
    fetch,
    finished,
    log,
    until,
)
from recording.incidents_recorder import INCIDENTS, record_incidents
from recording.secure_recorder import record_secure
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

from replaydbg.testing.devserver import DevServer

# `OrderWorkflow` upserts this custom Keyword search attribute.
SERVER_ARGS = ("--search-attribute", "OrderStatus=Keyword")
# The batch history should stay about this long; how many workflow tasks the server needs for
# each chunk depends on timing, so the count moves a little from one recording to the next.
BATCH_EVENTS = range(9_500, 11_001)


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


RECORDERS: dict[str, Recorder] = {
    "orders": record_orders,
    "batch": record_batch,
    "greeting": record_greeting,
    "lifecycle": record_lifecycle,
    "incidents": record_incidents,
    "secure": record_secure,
}
#: Parts of an example that can be recorded alone, as `example:part`.
PARTS: dict[str, Recorder] = {f"incidents:{name}": record for name, record in INCIDENTS.items()}


# --- writing and checking -----------------------------------------------------------------


def write_json(path: Path, history: object) -> None:
    path.write_text(json.dumps(history, indent=2) + "\n")


def event_counts(history: WorkflowHistory) -> Counter[str]:
    """How many events of each type, by short name (`ActivityTaskScheduled`)."""
    names = (EventType.Name(e.event_type) for e in history.events)
    return Counter(
        "".join(part.capitalize() for part in name.removeprefix("EVENT_TYPE_").split("_"))
        for name in names
    )


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
        for recorded in await {**RECORDERS, **PARTS}[name](client):
            write(server, name.partition(":")[0], recorded)
        log.info("%s recorded in %.1f s", name, time.monotonic() - started)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "names", nargs="*", metavar="name",
        help=f"examples to record (default: all of {', '.join(RECORDERS)}), or one part of "
             f"one: {', '.join(PARTS)}",
    )
    args = parser.parse_args(argv)
    unknown = sorted(set(args.names) - set(RECORDERS) - set(PARTS))
    if unknown:
        choices = ", ".join([*RECORDERS, *PARTS])
        parser.error(f"unknown example(s) {', '.join(unknown)}; choose from {choices}")
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
