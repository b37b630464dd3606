"""Activities and data types of the lifecycle example."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from temporalio import activity


@dataclass(frozen=True)
class Subscription:
    account_id: str
    plan: str
    periods: int
    period: int = 1
    # The free trial this subscription replaces; it is cancelled in the first period.
    trial_workflow_id: str | None = None


@activity.defn
async def send_welcome(account_id: str) -> None:
    activity.logger.info("welcome mail for %s", account_id)


@activity.defn
async def close_trial(account_id: str) -> str:
    return f"trial of {account_id} closed early"


@activity.defn
async def expire_trial(account_id: str) -> str:
    return f"trial of {account_id} expired"


@activity.defn
async def bill_period(subscription: Subscription) -> str:
    return f"INV-{subscription.account_id}-{subscription.period:03d}"


ALL_ACTIVITIES: list[Callable[..., Any]] = [send_welcome, close_trial, expire_trial, bill_period]
