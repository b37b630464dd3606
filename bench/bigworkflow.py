"""The workflow whose history bench_big.py records: tens of thousands of events, fast.

Rounds of concurrent activities (three events each: scheduled, started, completed) with a
timer now and then, carrying payloads of a realistic size (Temporal's own limit is 50 MB for
about 88,000 events: some 500 bytes an event).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import timedelta

from temporalio import activity, workflow

STEP = timedelta(seconds=60)
PAUSE = timedelta(milliseconds=10)


@dataclass(frozen=True)
class BigJob:
    activities: int
    per_round: int
    pause_every: int


@activity.defn
async def transform(item: int, note: str) -> str:
    # Deterministic, so that every recording carries the same payloads.
    return f"item {item}: {note[:80]} -> {(item * 7919) % 1_000_003:07d}"


@workflow.defn
class BigHistoryWorkflow:
    """Runs `job.activities` activities, `job.per_round` at a time."""

    @workflow.run
    async def run(self, job: BigJob) -> int:
        done = 0
        for first in range(0, job.activities, job.per_round):
            last = min(first + job.per_round, job.activities)
            results = await asyncio.gather(*(
                workflow.execute_activity(transform, args=[i, f"record {i} of the nightly export"],
                                          start_to_close_timeout=STEP)
                for i in range(first, last)))
            done += len(results)
            if (first // job.per_round) % job.pause_every == 0:
                await workflow.sleep(PAUSE)
        return done
