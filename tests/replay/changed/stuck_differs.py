"""``StuckOrder`` from examples/incidents with a different bug: an attempted fix that now
raises ValueError elsewhere. Replayed against incidents/stuck.json, the task still fails, but
not as the history recorded ("differs")."""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from incidents.activities import load_price_list, reserve_item

QUICK = workflow.ActivityConfig(start_to_close_timeout=timedelta(seconds=10))


@workflow.defn(name="StuckOrder")
class StuckOrderWorkflow:
    def __init__(self) -> None:
        self._skus: list[str] = []
        self._checked_out = False

    @workflow.signal
    def add_item(self, sku: str) -> None:
        self._skus.append(sku)

    @workflow.signal
    def checkout(self) -> None:
        self._checked_out = True

    @workflow.run
    async def run(self, order_id: str) -> int:
        prices = await workflow.execute_activity(load_price_list, order_id, **QUICK)
        total = 0
        while True:
            await workflow.wait_condition(lambda: bool(self._skus) or self._checked_out)
            if not self._skus:
                return total
            sku = self._skus.pop(0)
            if sku not in prices:
                raise ValueError(f"unknown SKU {sku}")  # @differs
            total += prices[sku]
            await workflow.execute_activity(reserve_item, sku, **QUICK)
