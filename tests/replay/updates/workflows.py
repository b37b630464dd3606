"""A workflow whose update handlers end in different places: the live update tests run it."""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow
from temporalio.exceptions import ApplicationError


@workflow.defn
class TillWorkflow:
    """Takes amounts until told to close; updates answer from several lines."""

    def __init__(self) -> None:
        self._total = 0
        self._closed = False

    @workflow.run
    async def run(self) -> int:
        await workflow.wait_condition(lambda: self._closed)
        return self._total

    @workflow.update
    async def add(self, amount: int) -> int:
        await workflow.sleep(timedelta(milliseconds=10))
        if amount > 100:
            return self._total  # @add_ignored
        self._total += amount
        return self._total  # @add_counted

    @workflow.update
    def refund(self, amount: int) -> int:
        if amount > self._total:
            raise ApplicationError("cannot refund more than was taken")  # @refund_raises
        self._total -= amount
        return self._total  # @refund_returns

    @workflow.signal
    def close(self) -> None:
        self._closed = True
