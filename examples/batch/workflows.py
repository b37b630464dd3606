"""A long-running batch: thousands of items, a chunk of concurrent activities at a time.

Its history is deliberately large (about ten thousand events) for measuring replay and
debugging cost. A trailing `# @name` marks each line that issues a command or resumes after one.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from batch.activities import BatchJob, BatchSummary, process_item, publish_summary

ITEM = workflow.ActivityConfig(start_to_close_timeout=timedelta(seconds=30))
PAUSE = timedelta(milliseconds=100)


@workflow.defn
class BatchWorkflow:
    """Processes `job.item_count` items, `job.chunk_size` at a time, then publishes a summary."""

    def __init__(self) -> None:
        self._processed = 0

    @workflow.run
    async def run(self, job: BatchJob) -> str:
        checksum = 0
        for first in range(0, job.item_count, job.chunk_size):
            chunk = range(first, min(first + job.chunk_size, job.item_count))
            pending = [workflow.start_activity(process_item, i, **ITEM) for i in chunk]  # @schedule
            results = await asyncio.gather(*pending)  # @chunk_done
            checksum = (checksum + sum(results)) % 1_000_003
            self._processed += len(results)
            if self._processed % job.pause_every == 0:
                await workflow.sleep(PAUSE)  # @throttle
        summary = BatchSummary(job.batch_id, self._processed, checksum)
        return await workflow.execute_activity(publish_summary, summary, **ITEM)  # @publish

    @workflow.query
    def processed(self) -> int:
        return self._processed  # @on_processed
