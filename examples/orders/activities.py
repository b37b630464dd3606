"""Activities and data types of the orders example.

Replay never runs activities; recording does. Results are fixed functions of their inputs so
that a re-recorded history carries the same payloads.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from temporalio import activity


@dataclass(frozen=True)
class LineItem:
    sku: str
    quantity: int
    unit_price_cents: int


@dataclass(frozen=True)
class Order:
    order_id: str
    customer: str
    address: str
    items: list[LineItem] = field(default_factory=list)


@dataclass(frozen=True)
class Payment:
    order_id: str
    amount_cents: int


@dataclass(frozen=True)
class ShipmentRequest:
    order_id: str
    address: str
    parcels: int


@dataclass(frozen=True)
class OrderSnapshot:
    status: str
    items: list[LineItem]
    discount_percent: int
    total_cents: int


@dataclass(frozen=True)
class Receipt:
    order_id: str
    charge_id: str
    total_cents: int
    tracking: str


class CardDeclinedError(Exception):
    """Raised by the payment processor; retryable, as a network blip would be."""


@activity.defn
async def clean_address(address: str) -> str:
    return " ".join(address.upper().split())


@activity.defn
async def remind_to_pay(customer: str) -> None:
    # Runs until the order is approved, then the workflow cancels it. Cancellation reaches an
    # activity only through a heartbeat, hence the short loop.
    reminders = 0
    while True:
        activity.heartbeat(reminders)
        await asyncio.sleep(0.2)
        reminders += 1


@activity.defn
async def charge_payment(payment: Payment) -> str:
    # The processor is "flaky" on the first two attempts, deterministically, so the recorded
    # history shows the activity completing on attempt 3.
    attempt = activity.info().attempt
    if attempt < 3:
        raise CardDeclinedError(f"payment gateway timed out (attempt {attempt})")
    return f"ch_{payment.order_id}_{payment.amount_cents}"


@activity.defn
async def award_loyalty_points(payment: Payment) -> int:
    return payment.amount_cents // 100


@activity.defn
async def book_courier(request: ShipmentRequest) -> str:
    return f"TRK-{request.order_id}-{request.parcels:02d}"


ALL_ACTIVITIES: list[Callable[..., Any]] = [
    clean_address,
    remind_to_pay,
    charge_payment,
    award_loyalty_points,
    book_courier,
]
