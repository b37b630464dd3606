"""The shadowing workflow: page the query, fan batches out, merge their reports.

Its state is the report's digest (totals and grouped examples), small whatever the number
of runs, so it continues as new with it when the history grows long. ``progress`` answers
with the digest so far; a cancelled run ends at once, its partial report being what the
last ``progress`` said.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy

with workflow.unsafe.imports_passed_through():
    from replaydbg.shadow.distributed.messages import (
        LIST_PAGE,
        PROGRESS,
        REPLAY_BATCH,
        WORKFLOW,
        BatchInput,
        BatchOutput,
        ListInput,
        ListOutput,
        ShadowInput,
    )
    from replaydbg.shadow.report import ShadowReport

#: Pages listed in one run before it continues as new (unless the SDK suggests it sooner).
PAGES_PER_RUN = 20
_RETRY = RetryPolicy(maximum_attempts=5, initial_interval=timedelta(seconds=1))


@workflow.defn(name=WORKFLOW)
class ShadowWorkflow:
    """Replays the executions a query selects, on the ``shadow-worker`` processes."""

    def __init__(self) -> None:
        self._report = ShadowReport(keep=3)
        self._taken = 0

    @workflow.run
    async def run(self, given: ShadowInput) -> dict[str, object]:
        """The report's digest (see ``ShadowReport.digest``)."""
        if given.digest:
            self._report = ShadowReport.from_digest(given.digest)
        self._taken, token = given.taken, given.next_page_token
        for _ in range(PAGES_PER_RUN):
            page: ListOutput = await workflow.execute_activity(
                LIST_PAGE, ListInput(given.query, given.page_size, given.sample_rate, token),
                result_type=ListOutput, start_to_close_timeout=timedelta(minutes=2),
                retry_policy=_RETRY)
            runs = page.runs
            if given.limit is not None:
                runs = runs[:max(0, given.limit - self._taken)]
            self._taken += len(runs)
            batches = [runs[i:i + given.batch_size]
                       for i in range(0, len(runs), given.batch_size)]
            await asyncio.gather(*(self._replay(BatchInput(b, given.options)) for b in batches))
            token = page.next_page_token
            if not token or (given.limit is not None and self._taken >= given.limit):
                return self._report.digest()
            if workflow.info().is_continue_as_new_suggested():
                break
        workflow.continue_as_new(ShadowInput(
            given.query, given.sample_rate, given.limit, given.options, given.batch_size,
            given.page_size, token, self._taken, self._report.digest()))

    async def _replay(self, batch: BatchInput) -> None:
        done: BatchOutput = await workflow.execute_activity(
            REPLAY_BATCH, batch, result_type=BatchOutput,
            start_to_close_timeout=timedelta(minutes=30), heartbeat_timeout=timedelta(minutes=1),
            retry_policy=_RETRY)
        self._report.merge(done.digest)

    @workflow.query(name=PROGRESS)
    def progress(self) -> dict[str, object]:
        """The report so far, and how many executions are taken (listed) so far."""
        return {"taken": self._taken, "digest": self._report.digest()}
