"""Order fulfilment: one believable flow that exercises most kinds of Temporal command.

`OrderWorkflow` normalises the address (local activity), nags the customer for payment while it
waits for approval (a heartbeating activity, cancelled on approval; the wait's timeout timer is
cancelled too), takes `add_item` / `approve` signals, an `apply_coupon` update with a validator
and a `status` query, charges the card (retried until attempt 3), awards loyalty points behind a
patch, waits out a fraud-review timer, ships through the `ShippingWorkflow` child (which it
signals as an external workflow) and records progress in a search attribute and the memo.

A trailing `# @name` marks each line that issues a command or where the code resumes after one;
tests look lines up by marker name, so keep one marker per line and the names unique.
"""

# Calls that issue commands stay on one line, so the line a frame reports and the line that
# carries the marker cannot differ; a few of those lines run past the usual limit.
# ruff: noqa: E501

from __future__ import annotations

import asyncio
from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy, SearchAttributeKey
from temporalio.exceptions import ActivityError, ApplicationError, CancelledError

with workflow.unsafe.imports_passed_through():
    from orders.activities import (
        LineItem,
        Order,
        OrderSnapshot,
        Payment,
        Receipt,
        ShipmentRequest,
        award_loyalty_points,
        book_courier,
        charge_payment,
        clean_address,
        remind_to_pay,
    )

# A Keyword search attribute; `record_histories.py` registers it on the dev server.
ORDER_STATUS = SearchAttributeKey.for_keyword("OrderStatus")
COUPONS = {"WELCOME10": 10, "SPRING15": 15}
DEADLINE = timedelta(days=2)
FRAUD_REVIEW = timedelta(seconds=1)

QUICK = workflow.ActivityConfig(start_to_close_timeout=timedelta(seconds=10))
LOCAL = workflow.LocalActivityConfig(start_to_close_timeout=timedelta(seconds=5))
PAYMENT = workflow.ActivityConfig(
    start_to_close_timeout=timedelta(seconds=10),
    retry_policy=RetryPolicy(initial_interval=timedelta(milliseconds=200), backoff_coefficient=1),
)
REMINDERS = workflow.ActivityConfig(
    start_to_close_timeout=timedelta(days=2),
    heartbeat_timeout=timedelta(seconds=2),
    # Wait for the activity to acknowledge, so the history shows ActivityTaskCanceled.
    cancellation_type=workflow.ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
)


@workflow.defn
class ShippingWorkflow:
    """Books a courier, then waits until the warehouse reports the parcels packed."""

    def __init__(self) -> None:
        self._packed_by: str | None = None

    @workflow.run
    async def run(self, request: ShipmentRequest) -> str:
        tracking = await workflow.execute_activity(book_courier, request, **QUICK)  # @book_courier
        await workflow.wait_condition(lambda: self._packed_by is not None)  # @wait_packed
        return tracking

    @workflow.signal
    def mark_packed(self, packer: str) -> None:
        self._packed_by = packer  # @on_mark_packed


@workflow.defn
class OrderWorkflow:
    """Takes one order from checkout to a shipped parcel."""

    def __init__(self) -> None:
        self._status = "received"
        self._items: list[LineItem] = []
        self._discount_percent = 0
        self._approved_by: str | None = None

    @workflow.run
    async def run(self, order: Order) -> Receipt:
        self._items.extend(order.items)
        address = await workflow.execute_local_activity(clean_address, order.address, **LOCAL)  # @clean_address
        reminders = workflow.start_activity(remind_to_pay, order.customer, **REMINDERS)  # @remind
        self._status = "awaiting-approval"
        try:
            await workflow.wait_condition(self._is_approved, timeout=DEADLINE)  # @wait_approval
        except asyncio.TimeoutError:
            self._status = "expired"
        reminders.cancel()  # @cancel_reminders
        try:
            await reminders  # @reminders_stopped
        except ActivityError as err:
            if not isinstance(err.cause, CancelledError):
                raise
        if self._status == "expired":
            raise ApplicationError("order was not approved in time", non_retryable=True)

        workflow.upsert_search_attributes([ORDER_STATUS.value_set("approved")])  # @status_approved
        payment = Payment(order.order_id, self._total_cents())
        charge_id = await workflow.execute_activity(charge_payment, payment, **PAYMENT)  # @charge
        if workflow.patched("loyalty-points"):  # @patch_loyalty
            await workflow.execute_activity(award_loyalty_points, payment, **QUICK)  # @award_points
        self._status = "fraud-review"
        await workflow.sleep(FRAUD_REVIEW)  # @fraud_review

        self._status = "shipping"
        request = ShipmentRequest(order.order_id, address, parcels=len(self._items))
        child_id = f"shipping-{order.order_id}"
        shipping = await workflow.start_child_workflow(ShippingWorkflow.run, request, id=child_id)  # @start_shipping
        warehouse = workflow.get_external_workflow_handle(shipping.id)
        await warehouse.signal(ShippingWorkflow.mark_packed, "warehouse-7")  # @signal_packed
        tracking = await shipping  # @shipped
        workflow.upsert_memo({"tracking": tracking})  # @memo_tracking
        workflow.upsert_search_attributes([ORDER_STATUS.value_set("shipped")])  # @status_shipped
        self._status = "shipped"
        return Receipt(order.order_id, charge_id, payment.amount_cents, tracking)

    @workflow.signal
    def add_item(self, item: LineItem) -> None:
        self._items.append(item)  # @on_add_item

    @workflow.signal
    def approve(self, approver: str) -> None:
        self._approved_by = approver  # @on_approve

    @workflow.update
    def apply_coupon(self, code: str) -> int:
        self._discount_percent = COUPONS[code]  # @on_apply_coupon
        return self._total_cents()  # @coupon_applied

    @apply_coupon.validator
    def validate_coupon(self, code: str) -> None:
        # Validators run only when the update arrives, never on replay.
        if code not in COUPONS:  # @validate_coupon
            raise ValueError(f"unknown coupon {code!r}")

    @workflow.query
    def status(self) -> OrderSnapshot:
        total = self._total_cents()  # @on_status
        return OrderSnapshot(self._status, list(self._items), self._discount_percent, total)

    def _is_approved(self) -> bool:
        return self._approved_by is not None

    def _total_cents(self) -> int:
        gross = sum(item.quantity * item.unit_price_cents for item in self._items)
        return gross * (100 - self._discount_percent) // 100
