"""CodecWorkflow with one change Temporal does not check: charge gets 4 instead of 3.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from temporalio import activity, workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError, ApplicationError

SHORT = timedelta(seconds=10)


@activity.defn
async def charge(customer: str, amount: int) -> dict[str, Any]:
    return {"customer": customer, "charged": amount}


@activity.defn
async def decline(card: str) -> None:
    raise ApplicationError("card declined", {"card": card, "reason": "expired"},
                           non_retryable=True)


@workflow.defn
class CodecWorkflow:
    def __init__(self) -> None:
        self.notes: list[str] = []

    @workflow.signal
    def note(self, text: str, priority: int) -> None:
        self.notes.append(f"{priority}:{text}")

    @workflow.run
    async def run(self, order: str) -> dict[str, Any]:
        receipt = await workflow.execute_activity(charge, args=["a", 4],  # @charge
                                                  start_to_close_timeout=SHORT)
        try:
            await workflow.execute_activity(decline, "4242", start_to_close_timeout=SHORT,
                                            retry_policy=RetryPolicy(maximum_attempts=1))
        except ActivityError:
            pass
        await workflow.wait_condition(lambda: bool(self.notes))
        return {"order": order, "receipt": receipt, "notes": self.notes}


ACTIVITIES = [charge, decline]
