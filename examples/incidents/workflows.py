"""Five workflows with the bugs that get workflows stuck or failed in production.

- `StuckOrderWorkflow` prices each SKU signalled in; `_price_of` indexes the price list, so an
  unknown SKU raises KeyError in the workflow task after the signal. The server retries the
  task, which fails the same way every time: the workflow is stuck, not failed.
- `NightlyReportWorkflow` stamps its report with `datetime.now()` in a helper; the sandbox
  forbids it (RestrictedWorkflowAccessError) and the task fails and retries the same way.
- `LedgerWorkflow` busy-waits in a helper for a counter that only a signal handler lowers; no
  handler can run while the task never yields, so the worker's deadlock detector fails the
  task (TMPRL1101). The loop is deterministic: it spins on replay too.
- `RefundWorkflow` validates the refund in a helper that raises a non-retryable
  ApplicationError: the workflow execution fails (no retry).

`IngestWorkflow`, at the end, never answers: see its docstring. `fixed_workflows.py` fixes the
stuck ones. A trailing `# @name` marks each line that issues a command, raises, or resumes.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta, timezone

from temporalio import workflow
from temporalio.exceptions import ApplicationError

with workflow.unsafe.imports_passed_through():
    from incidents.activities import (
        Refund,
        build_report,
        load_price_list,
        load_refund,
        open_ledger,
        pay_refund,
        post_ledger,
        publish_report,
        reserve_item,
    )

QUICK = workflow.ActivityConfig(start_to_close_timeout=timedelta(seconds=10))


@workflow.defn(name="StuckOrder")
class StuckOrderWorkflow:
    """Reserves each SKU signalled in, until `checkout`; returns the order total in cents."""

    def __init__(self) -> None:
        self._skus: list[str] = []
        self._checked_out = False

    @workflow.signal
    def add_item(self, sku: str) -> None:
        self._skus.append(sku)  # @add_item

    @workflow.signal
    def checkout(self) -> None:
        self._checked_out = True  # @checkout

    @workflow.run
    async def run(self, order_id: str) -> int:
        prices = await workflow.execute_activity(load_price_list, order_id, **QUICK)  # @load_prices
        total = 0
        while True:
            await workflow.wait_condition(self._has_work)  # @wait_items
            if not self._skus:
                return total
            sku = self._skus.pop(0)
            total += self._price_of(prices, sku)  # @add_price
            await workflow.execute_activity(reserve_item, sku, **QUICK)  # @reserve

    def _has_work(self) -> bool:
        return bool(self._skus) or self._checked_out

    @staticmethod
    def _price_of(prices: dict[str, int], sku: str) -> int:
        return prices[sku]  # @lookup


@workflow.defn(name="NightlyReport")
class NightlyReportWorkflow:
    """Builds a report, then publishes it with a time stamp."""

    @workflow.run
    async def run(self, report_id: str) -> str:
        report = await workflow.execute_activity(build_report, report_id, **QUICK)  # @build
        stamped = dataclasses.replace(report, stamp=self._stamp())  # @stamp_call
        return await workflow.execute_activity(publish_report, stamped, **QUICK)  # @publish

    @staticmethod
    def _stamp() -> str:
        return datetime.now(timezone.utc).isoformat()  # @wall_clock


@workflow.defn(name="LedgerPosting")
class LedgerWorkflow:
    """Opens a ledger batch, waits until every entry is posted, then posts the batch."""

    def __init__(self) -> None:
        self._pending = 0

    @workflow.signal
    def entry_posted(self) -> None:
        self._pending -= 1  # @entry_posted

    @workflow.run
    async def run(self, batch_id: str) -> str:
        self._pending = await workflow.execute_activity(open_ledger, batch_id, **QUICK)  # @open
        self._wait_until_settled()  # @settle_call
        return await workflow.execute_activity(post_ledger, batch_id, **QUICK)  # @post

    def _wait_until_settled(self) -> None:
        while self._pending > 0:  # @spin
            pass


@workflow.defn(name="Refund")
class RefundWorkflow:
    """Loads a refund, checks it, pays it."""

    @workflow.run
    async def run(self, refund_id: str) -> str:
        refund = await workflow.execute_activity(load_refund, refund_id, **QUICK)  # @load_refund
        self._check(refund)  # @check_call
        return await workflow.execute_activity(pay_refund, refund, **QUICK)  # @pay

    @staticmethod
    def _check(refund: Refund) -> None:
        if refund.amount_cents <= 0:
            problem = f"refund {refund.refund_id}: {refund.amount_cents} cents is not positive"
            raise ApplicationError(problem, type="BadRefund", non_retryable=True)  # @invalid_refund


# Down here, so that the lines the recorded histories' stack traces name stay where they were.
with workflow.unsafe.imports_passed_through():
    from incidents.activities import load_manifest, store_batch


@workflow.defn(name="Ingest")
class IngestWorkflow:
    """Loads a batch's manifest, checks its rows, then stores the batch.

    `_checksum` runs a pure-Python loop over billions of rows inside the workflow task: the
    task would take hours. In production the worker process was killed while in it (a liveness
    probe that found the event loop blocked, the OOM killer) and never answered, so the server
    records the task as timed out (WorkflowTaskTimedOut), not failed, and retries it on the
    next worker, which dies the same way. The loop is deterministic: it runs on replay too.
    """

    @workflow.run
    async def run(self, batch_id: str) -> str:
        manifest = await workflow.execute_activity(load_manifest, batch_id, **QUICK)  # @manifest
        checksum = self._checksum(manifest.rows)  # @checksum_call
        checked = dataclasses.replace(manifest, checksum=checksum)
        return await workflow.execute_activity(store_batch, checked, **QUICK)  # @store

    @staticmethod
    def _checksum(rows: int) -> int:
        checksum = 0
        for row in range(rows):
            checksum = (checksum * 31 + row) % 1_000_000_007  # @crunch
        return checksum
