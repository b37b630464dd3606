"""Activities of the invoice workflow."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone
from decimal import Decimal
from typing import Any
from uuid import UUID

from temporalio import activity

from secure.models import Invoice, Receipt

# Fixed, so that a re-recorded history carries the same payment id.
PAYMENT_ID = UUID("6f1c2a7e-3b4d-4e5f-8a9b-0c1d2e3f4a5b")


@activity.defn
async def charge_invoice(invoice: Invoice, total: Decimal) -> Receipt:
    paid_at = datetime.now(timezone.utc)
    return Receipt(invoice_id=invoice.invoice_id, total=total, paid_at=paid_at,
                   payment_id=PAYMENT_ID)


ALL_ACTIVITIES: list[Callable[..., Any]] = [charge_invoice]
