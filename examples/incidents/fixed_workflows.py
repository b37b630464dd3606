"""The stuck workflows of `workflows.py` with their bugs fixed, under the same workflow types.

Replaying a stuck history (`stuck.json`, `restricted.json`, `deadlock.json`, `timed_out.json`)
against these completes the workflow task that kept failing (or timing out): the completed
tasks before it issue the same commands as before, so the fix is a safe deploy for the running
workflows.

- `StuckOrder`: an unknown SKU is flagged for the catalogue team instead of raising KeyError.
- `NightlyReport`: the stamp comes from `workflow.now()`, which the sandbox allows.
- `LedgerPosting`: waits for the signals with `workflow.wait_condition` instead of spinning.
- `Ingest`: the rows are checked by an activity, which may take its time, not in the task.
"""

from __future__ import annotations

import dataclasses
from datetime import timedelta

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from incidents.activities import (
        build_report,
        checksum_rows,
        flag_unknown_item,
        load_manifest,
        load_price_list,
        open_ledger,
        post_ledger,
        publish_report,
        reserve_item,
        store_batch,
    )

QUICK = workflow.ActivityConfig(start_to_close_timeout=timedelta(seconds=10))
SLOW = workflow.ActivityConfig(start_to_close_timeout=timedelta(hours=2),
                               heartbeat_timeout=timedelta(minutes=1))


@workflow.defn(name="StuckOrder")
class StuckOrderWorkflow:
    """Reserves each known SKU signalled in and flags unknown ones, until `checkout`."""

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
            price = self._price_of(prices, sku)  # @lookup_call
            if price is None:
                await workflow.execute_activity(flag_unknown_item, sku, **QUICK)  # @flag_unknown
                continue
            total += price
            await workflow.execute_activity(reserve_item, sku, **QUICK)  # @reserve

    def _has_work(self) -> bool:
        return bool(self._skus) or self._checked_out

    @staticmethod
    def _price_of(prices: dict[str, int], sku: str) -> int | None:
        return prices.get(sku)  # @lookup


@workflow.defn(name="NightlyReport")
class NightlyReportWorkflow:
    """Builds a report, then publishes it with a time stamp from the workflow's clock."""

    @workflow.run
    async def run(self, report_id: str) -> str:
        report = await workflow.execute_activity(build_report, report_id, **QUICK)  # @build
        stamped = dataclasses.replace(report, stamp=self._stamp())  # @stamp_call
        return await workflow.execute_activity(publish_report, stamped, **QUICK)  # @publish

    @staticmethod
    def _stamp() -> str:
        return workflow.now().isoformat()  # @workflow_clock


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
        await workflow.wait_condition(lambda: self._pending <= 0)  # @settle
        return await workflow.execute_activity(post_ledger, batch_id, **QUICK)  # @post


@workflow.defn(name="Ingest")
class IngestWorkflow:
    """Loads a batch's manifest, has an activity check its rows, then stores the batch."""

    @workflow.run
    async def run(self, batch_id: str) -> str:
        manifest = await workflow.execute_activity(load_manifest, batch_id, **QUICK)  # @manifest
        checksum = await workflow.execute_activity(checksum_rows, manifest, **SLOW)  # @checksum
        checked = dataclasses.replace(manifest, checksum=checksum)
        return await workflow.execute_activity(store_batch, checked, **QUICK)  # @store
