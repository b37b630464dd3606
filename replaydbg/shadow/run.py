"""One shadow run: histories in, batches out to the replaying processes, the report filled.

The report is filled as batches come back, so that an interrupted run still has one to show
(the caller marks it interrupted and prints it).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Iterable

from replaydbg.shadow.outcome import Outcome
from replaydbg.shadow.pool import ReplayPool
from replaydbg.shadow.replaying import HistoryRef
from replaydbg.shadow.report import ShadowReport

#: Histories per batch when their number is not known in advance.
BATCH = 16


def batch_size(total: int | None, jobs: int) -> int:
    """Batches small enough to keep every process busy to the end, big enough to pay off."""
    if not total:
        return BATCH
    return max(1, min(50, total // (jobs * 4) or 1))


async def from_files(refs: Iterable[HistoryRef]) -> AsyncIterator[HistoryRef | Outcome]:
    """Saved histories as a source (the same engine as fetched ones)."""
    for ref in refs:
        yield ref


async def shadow(source: AsyncIterator[HistoryRef | Outcome], pool: ReplayPool,
                 report: ShadowReport, *, size: int = BATCH,
                 on_progress: Callable[[int], None] | None = None) -> ShadowReport:
    """Replay everything ``source`` gives, ``size`` histories a batch, into ``report``."""
    running: set[asyncio.Task[list[Outcome]]] = set()
    limit = pool.jobs * 2  # a batch ready for each process as soon as it is free

    def settle(done: set[asyncio.Task[list[Outcome]]]) -> None:
        for task in done:
            report.add(task.result())
        if on_progress is not None:
            on_progress(len(report.outcomes))

    async def submit(batch: list[HistoryRef]) -> None:
        nonlocal running
        if len(running) >= limit:
            done, running = await asyncio.wait(running, return_when=asyncio.FIRST_COMPLETED)
            settle(done)
        running.add(asyncio.create_task(pool.replay(batch)))

    batch: list[HistoryRef] = []
    try:
        async for item in source:
            if isinstance(item, Outcome):
                report.add([item])
                continue
            batch.append(item)
            if len(batch) >= size:
                await submit(batch)
                batch = []
        if batch:
            await submit(batch)
        while running:
            done, running = await asyncio.wait(running, return_when=asyncio.FIRST_COMPLETED)
            settle(done)
    finally:
        for task in running:
            task.cancel()
    return report
