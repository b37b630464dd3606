"""The shadow-worker's activities: list a page of the query, fetch and replay a batch.

Fetching is I/O on the worker's own event loop; replaying is CPU, done on one thread of its
own with a loop of its own (the worker's loop stays free to heartbeat and poll), so a
worker process is one replaying lane. Two activities may run at once: the next batch is
fetched while this one replays.
"""

from __future__ import annotations

import asyncio
import base64
import concurrent.futures
import contextlib
import json
from pathlib import Path

from temporalio import activity

from replaydbg.shadow.cache import HistoryCache
from replaydbg.shadow.distributed.messages import (
    LIST_PAGE,
    REPLAY_BATCH,
    BatchInput,
    BatchOutput,
    ListInput,
    ListOutput,
    RunRef,
)
from replaydbg.shadow.fetching import Fetcher
from replaydbg.shadow.outcome import Outcome
from replaydbg.shadow.replaying import BatchReplayer, HistoryRef, ReplayOptions
from replaydbg.shadow.report import ShadowReport
from replaydbg.shadow.selection import Selection

#: Seconds between heartbeats while a batch replays.
HEARTBEAT_EVERY = 5.0


class ShadowActivities:
    """Activities bound to one worker process: its replay options, cache and scratch folder.

    ``own``: the worker's own replay options, when its command line or project gave any;
    they win over the starting command's (the worker is where the code and its imports
    are). Otherwise each batch replays with the options the run was started with.
    """

    def __init__(self, *, address: str, own: ReplayOptions | None,
                 cache_root: Path | None, scratch: Path) -> None:
        self.address, self.own = address, own
        self.cache_root, self.scratch = cache_root, scratch
        self._lane = concurrent.futures.ThreadPoolExecutor(1, "replaydbg-replay")
        self._loop: asyncio.AbstractEventLoop | None = None  # the lane's
        self._replayers: dict[str, BatchReplayer] = {}

    def close(self) -> None:
        """Stop the replaying thread (after its current batch)."""
        self._lane.submit(self._close_loop).result()
        self._lane.shutdown(wait=True)

    def _close_loop(self) -> None:
        if self._loop is not None:
            self._loop.close()

    def _fetcher(self) -> Fetcher:
        client = activity.client()
        cache = (HistoryCache(self.cache_root, client.namespace)
                 if self.cache_root is not None else None)
        return Fetcher(client, address=self.address, cache=cache, scratch=self.scratch)

    @activity.defn(name=LIST_PAGE)
    async def list_page(self, given: ListInput) -> ListOutput:
        """A page of the query's executions, sampled."""
        token = base64.b64decode(given.next_page_token) if given.next_page_token else None
        selection = Selection(given.query or None, sample_rate=given.sample_rate)
        runs, following = await self._fetcher().page(selection, token, given.page_size)
        return ListOutput(
            [RunRef(e.id, e.run_id, e.workflow_type,
                    e.status is not None and e.status.name != "RUNNING") for e in runs],
            base64.b64encode(following).decode() if following else None)

    @activity.defn(name=REPLAY_BATCH)
    async def replay_batch(self, given: BatchInput) -> BatchOutput:
        """Fetch the batch's histories and replay them; the report's digest."""
        fetcher = self._fetcher()
        fetched = await asyncio.gather(*(
            fetcher.fetch_run(r.workflow_id, r.run_id, r.workflow_type, closed=r.closed)
            for r in given.runs))
        refs = [f for f in fetched if isinstance(f, HistoryRef)]
        report = ShadowReport(keep=3)
        report.add([f for f in fetched if isinstance(f, Outcome)])
        options = self.own or ReplayOptions.from_json(given.options)
        try:
            replaying = asyncio.get_running_loop().run_in_executor(
                self._lane, self._replay, options, refs)
            while True:
                activity.heartbeat(len(given.runs))
                done, _ = await asyncio.wait([replaying], timeout=HEARTBEAT_EVERY)
                if done:
                    break
            report.add(await replaying)
        finally:
            for ref in refs:
                if Path(ref.path).parent == self.scratch:  # not the cache's
                    with contextlib.suppress(OSError):
                        Path(ref.path).unlink()
        report.fetched, report.cached = fetcher.fetched, fetcher.cached
        return BatchOutput(report.digest())

    def _replay(self, options: ReplayOptions, refs: list[HistoryRef]) -> list[Outcome]:
        """On the replaying thread: one replayer per set of options, made once."""
        if self._loop is None:
            self._loop = asyncio.new_event_loop()
        key = json.dumps(options.to_json(), sort_keys=True)
        replayer = self._replayers.get(key)
        if replayer is None:
            replayer = self._replayers[key] = BatchReplayer(options)
        return self._loop.run_until_complete(replayer.replay_files(refs))


