"""Activities and data types of the batch example."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from temporalio import activity


@dataclass(frozen=True)
class BatchJob:
    batch_id: str
    item_count: int
    chunk_size: int
    # A short timer after every `pause_every` items, as a rate limit towards the downstream.
    pause_every: int


@dataclass(frozen=True)
class BatchSummary:
    batch_id: str
    processed: int
    checksum: int


@activity.defn
async def process_item(item: int) -> int:
    # Deterministic "work" so that a re-recorded history carries the same payloads.
    return (item * 7919) % 1000


@activity.defn
async def publish_summary(summary: BatchSummary) -> str:
    activity.logger.info("batch %s: %d items", summary.batch_id, summary.processed)
    return f"report/{summary.batch_id}.csv"


ALL_ACTIVITIES: list[Callable[..., Any]] = [process_item, publish_summary]
