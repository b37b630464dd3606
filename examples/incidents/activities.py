"""Activities and data types of the incidents example."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from temporalio import activity


@dataclass(frozen=True)
class Report:
    report_id: str
    rows: int
    stamp: str = ""


@dataclass(frozen=True)
class Manifest:
    batch_id: str
    rows: int
    checksum: int = 0


@dataclass(frozen=True)
class Refund:
    refund_id: str
    amount_cents: int


@activity.defn
async def load_price_list(order_id: str) -> dict[str, int]:
    """Cents per SKU; the catalogue knows two items."""
    return {"MUG-01": 1250, "TEA-EARL": 899}


@activity.defn
async def reserve_item(sku: str) -> str:
    return f"reserved {sku}"


@activity.defn
async def flag_unknown_item(sku: str) -> str:
    return f"flagged {sku} for the catalogue team"


@activity.defn
async def build_report(report_id: str) -> Report:
    return Report(report_id, rows=42)


@activity.defn
async def publish_report(report: Report) -> str:
    return f"published {report.report_id} ({report.rows} rows) at {report.stamp}"


@activity.defn
async def open_ledger(batch_id: str) -> int:
    """How many entries the batch holds."""
    return 3


@activity.defn
async def post_ledger(batch_id: str) -> str:
    return f"posted {batch_id}"


@activity.defn
async def load_refund(refund_id: str) -> Refund:
    return Refund(refund_id, amount_cents=-500)


@activity.defn
async def pay_refund(refund: Refund) -> str:
    return f"paid {refund.amount_cents} cents for {refund.refund_id}"


@activity.defn
async def load_manifest(batch_id: str) -> Manifest:
    """A big batch: far too many rows to check inside a workflow task."""
    return Manifest(batch_id, rows=50_000_000_000)


@activity.defn
async def checksum_rows(manifest: Manifest) -> int:
    """Where the fixed workflow checks the rows: an activity may take its time (and heartbeat)."""
    return manifest.rows % 1_000_000_007


@activity.defn
async def store_batch(manifest: Manifest) -> str:
    return f"stored {manifest.batch_id} (checksum {manifest.checksum})"


ALL_ACTIVITIES: list[Callable[..., Any]] = [
    load_price_list, reserve_item, flag_unknown_item, build_report, publish_report,
    open_ledger, post_ledger, load_refund, pay_refund, load_manifest, checksum_rows, store_batch,
]
