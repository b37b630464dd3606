"""Recorders of the secure example: a worker with an SDK plugin, a pydantic converter."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from datetime import date
from decimal import Decimal
from typing import Any

from temporalio.api.enums.v1 import EventType
from temporalio.client import Client, WorkflowHandle
from temporalio.worker import Worker

from recording.common import (
    EXAMPLES_DIR,
    NAMESPACE,
    Recorded,
    cli_show,
    events_of,
    fetch,
    finished,
    log,
    until,
)


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
