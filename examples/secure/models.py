"""Pydantic models of the invoice workflow: types the default JSON converter cannot carry
(Decimal, date, datetime, UUID) and validation that runs when a payload is read."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from uuid import UUID

from pydantic import BaseModel, Field


class LineItem(BaseModel):
    sku: str
    quantity: int = Field(gt=0)
    unit_price: Decimal


class Invoice(BaseModel):
    invoice_id: str
    customer: str
    issued_on: date
    items: list[LineItem]

    def total(self) -> Decimal:
        return sum((item.unit_price * item.quantity for item in self.items), Decimal(0))


class Receipt(BaseModel):
    invoice_id: str
    total: Decimal
    paid_at: datetime
    payment_id: UUID
