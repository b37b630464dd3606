"""The histories of the selected executions: listed, sampled, fetched concurrently, cached.

Fetching is bounded (``concurrency`` requests in flight) and a request the server refuses
for load (rate limits, unavailable, deadline) is retried with exponential backoff and
jitter, as the SDK's own clients do. An execution whose history cannot be had (deleted by
retention meanwhile, say) becomes an unusable outcome of its own; the run goes on.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import TypeVar

from temporalio.client import Client, WorkflowExecution, WorkflowExecutionStatus
from temporalio.service import RPCError, RPCStatusCode

from replaydbg.errors import InputError, ReplaydbgError
from replaydbg.history.connect_errors import rpc_failure
from replaydbg.history.model import History
from replaydbg.history.save import save_history
from replaydbg.shadow.cache import HistoryCache
from replaydbg.shadow.outcome import Outcome
from replaydbg.shadow.replaying import HistoryRef
from replaydbg.shadow.selection import Selection

logger = logging.getLogger(__name__)

T = TypeVar("T")

#: What a busy server answers; worth another try after a pause.
RETRYABLE = frozenset({RPCStatusCode.RESOURCE_EXHAUSTED, RPCStatusCode.UNAVAILABLE,
                       RPCStatusCode.DEADLINE_EXCEEDED, RPCStatusCode.ABORTED})
RPC_TIMEOUT = timedelta(seconds=30)


async def retried(call: Callable[[], Awaitable[T]], *, attempts: int = 6,
                  first_pause: float = 0.5) -> T:
    """``call()``, again after 0.5, 1, 2... s (with jitter) while the server is busy."""
    for attempt in range(attempts):
        try:
            return await call()
        except RPCError as err:
            if err.status not in RETRYABLE or attempt == attempts - 1:
                raise
            pause = first_pause * 2**attempt * random.uniform(0.8, 1.2)
            logger.info("server busy (%s), retrying in %.1f s", err.status.name, pause)
            await asyncio.sleep(pause)
    raise AssertionError("unreachable")


class Fetcher:
    """Lists and fetches for one shadow run, on one connected client."""

    def __init__(self, client: Client, *, address: str, cache: HistoryCache | None,
                 scratch: Path, concurrency: int = 8) -> None:
        self.client, self.address = client, address
        self.cache, self.scratch = cache, scratch
        self.concurrency = max(1, concurrency)
        self.fetched = self.cached = 0

    async def count(self, selection: Selection) -> int | None:
        """How many executions the query matches (None when the server cannot count)."""
        try:
            counted = await retried(lambda: self.client.count_workflows(
                selection.visibility_query(), rpc_timeout=RPC_TIMEOUT))
        except RPCError as err:
            if err.status == RPCStatusCode.INVALID_ARGUMENT:
                raise self._bad_query(selection, err) from err
            return None
        total = round(counted.count * selection.sample_rate)
        return min(total, selection.limit) if selection.limit else total

    async def page(self, selection: Selection, token: bytes | None,
                   page_size: int = 500) -> tuple[list[WorkflowExecution], bytes | None]:
        """A page of the query's executions, sampled, and the next page's token (or None)."""
        listing = self.client.list_workflows(selection.visibility_query(),
                                             page_size=page_size, next_page_token=token,
                                             rpc_timeout=RPC_TIMEOUT)
        try:
            await retried(listing.fetch_next_page)
        except RPCError as err:
            if err.status == RPCStatusCode.INVALID_ARGUMENT:
                raise self._bad_query(selection, err) from err
            raise rpc_failure(err, what="the executions to shadow",
                              namespace=self.client.namespace, address=self.address) from err
        runs = [e for e in listing.current_page or () if selection.sampled(e.run_id)]
        return runs, listing.next_page_token or None

    async def executions(self, selection: Selection) -> AsyncIterator[WorkflowExecution]:
        """The selected executions, sampled, at most ``selection.limit``."""
        taken, token = 0, None
        while True:
            runs, token = await self.page(selection, token)
            for execution in runs:
                yield execution
                taken += 1
                if selection.limit is not None and taken >= selection.limit:
                    return
            if token is None:
                return

    async def refs(self, selection: Selection) -> AsyncIterator[HistoryRef | Outcome]:
        """Each selected execution's history as a file (or why it could not be had)."""
        pending: set[asyncio.Task[HistoryRef | Outcome]] = set()
        try:
            async for execution in self.executions(selection):
                if len(pending) >= self.concurrency:
                    done, pending = await asyncio.wait(pending,
                                                       return_when=asyncio.FIRST_COMPLETED)
                    for task in done:
                        yield task.result()
                pending.add(asyncio.create_task(self.fetch(execution)))
            while pending:
                done, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
                for task in done:
                    yield task.result()
        finally:
            for task in pending:
                task.cancel()

    async def fetch(self, execution: WorkflowExecution) -> HistoryRef | Outcome:
        """One history, from the cache when its run is closed and was fetched before."""
        closed = execution.status not in (None, WorkflowExecutionStatus.RUNNING)
        return await self.fetch_run(execution.id, execution.run_id, execution.workflow_type,
                                    closed=closed)

    async def fetch_run(self, workflow_id: str, run_id: str, workflow_type: str, *,
                        closed: bool) -> HistoryRef | Outcome:
        """The history of one run (kept in the cache when ``closed``: it changes no more)."""
        label = f"workflow {workflow_id} run {run_id}"
        if self.cache is not None and closed:
            kept = self.cache.get(run_id)
            if kept is not None:
                self.cached += 1
                return HistoryRef(str(kept), workflow_id, label)
        handle = self.client.get_workflow_handle(workflow_id, run_id=run_id)
        try:
            fetched = await retried(lambda: handle.fetch_history(rpc_timeout=RPC_TIMEOUT))
        except RPCError as err:
            failure = rpc_failure(err, what=label, namespace=self.client.namespace,
                                  address=self.address)
            return _unusable(label, workflow_id, run_id, workflow_type, failure)
        target = (self.cache.path(run_id) if self.cache is not None and closed
                  else self.scratch / f"{run_id}.binpb")
        try:
            save_history(History(workflow_id, fetched.events, label), target)
        except ReplaydbgError as err:
            return _unusable(label, workflow_id, run_id, workflow_type, err)
        self.fetched += 1
        return HistoryRef(str(target), workflow_id, label)

    def _bad_query(self, selection: Selection, err: RPCError) -> InputError:
        return InputError(
            f"the server refused the visibility query {selection.asked()!r}: "
            f"{err.message}",
            hint="check the query's syntax and search attributes (the Web UI's filter bar "
            "builds valid ones); with the dev server, only standard search attributes exist")


def _unusable(label: str, workflow_id: str, run_id: str, workflow_type: str,
              err: ReplaydbgError) -> Outcome:
    return replace(Outcome.unusable(label, err), workflow_id=workflow_id, run_id=run_id,
                   workflow_type=workflow_type)
