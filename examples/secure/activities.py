"""Activities and data types of the secure example."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from temporalio import activity


@dataclass(frozen=True)
class Payslip:
    employee_id: str
    period: str
    net_cents: int
    iban: str


@activity.defn
async def compute_payslip(employee_id: str, period: str) -> Payslip:
    return Payslip(employee_id, period, net_cents=412_050, iban="FR76 3000 6000 0112 3456 7890 189")


@activity.defn
async def transfer_salary(payslip: Payslip, approved_by: str) -> str:
    return f"TRF-{payslip.employee_id}-{payslip.period} approved by {approved_by}"


ALL_ACTIVITIES: list[Callable[..., Any]] = [compute_payslip, transfer_salary]
