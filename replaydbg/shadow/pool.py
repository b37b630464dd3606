"""Replays spread over worker processes, each importing the workflow code once.

One process (``jobs == 1``) replays in the caller's own event loop, between fetches. More
start that many processes (``spawn``: the caller may hold the SDK core's threads, which a
fork would not carry over), each with one :class:`BatchReplayer` for its whole life; a batch
of history files goes to whichever is free. A worker that dies (a crash in native code)
fails its batch and the pool, which the caller reports, instead of waiting for ever. Ctrl-C
reaches the workers too: they ignore it, and the caller ends them after it has reported what
is done.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import signal
from collections.abc import Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from replaydbg.logsetup import configure_logging
from replaydbg.shadow.outcome import Outcome
from replaydbg.shadow.replaying import BatchReplayer, HistoryRef, ReplayOptions

#: The worker process's replayer (one per process, made by :func:`_start`).
_replayer: BatchReplayer | None = None
_loop: asyncio.AbstractEventLoop | None = None


def default_jobs() -> int:
    """The CPUs this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _start(options: Mapping[str, Any], cwd: str, verbose: int, log_file: str | None) -> None:
    """A worker process's start: the replayer, the workflow code, the setup, once."""
    global _replayer, _loop
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    configure_logging(verbose=verbose, log_file=log_file)  # as the caller's, not Python's
    os.chdir(cwd)
    _loop = asyncio.new_event_loop()
    _replayer = BatchReplayer(ReplayOptions.from_json(options))


def _replay(refs: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """A batch, in a worker process."""
    assert _replayer is not None and _loop is not None
    outcomes = _loop.run_until_complete(
        _replayer.replay_files([HistoryRef.from_json(r) for r in refs]))
    return [o.to_json() for o in outcomes]


class ReplayPool:
    """``jobs`` replaying processes (or the caller's own, for one)."""

    def __init__(self, options: ReplayOptions, jobs: int, *, verbose: int = 0,
                 log_file: str | None = None) -> None:
        self.jobs = max(1, jobs)
        self._local: BatchReplayer | None = None
        self._pool: ProcessPoolExecutor | None = None
        if self.jobs == 1:
            self._local = BatchReplayer(options)
        else:
            self._pool = ProcessPoolExecutor(
                self.jobs, mp_context=multiprocessing.get_context("spawn"),
                initializer=_start,
                initargs=(options.to_json(), os.getcwd(), verbose, log_file))

    async def replay(self, refs: Sequence[HistoryRef]) -> list[Outcome]:
        """The outcomes of a batch, replayed by a free process."""
        if self._local is not None:
            return await self._local.replay_files(refs)
        assert self._pool is not None
        batch = [r.to_json() for r in refs]
        results = await asyncio.wrap_future(self._pool.submit(_replay, batch))
        return [Outcome.from_json(o) for o in results]

    def close(self, *, interrupted: bool = False) -> None:
        """Let the workers finish (or end them at once after an interruption)."""
        pool, self._pool = self._pool, None
        if pool is None:
            return
        if not interrupted:
            pool.shutdown(wait=True)
            return
        workers = multiprocessing.active_children()
        pool.shutdown(wait=False, cancel_futures=True)
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.join(timeout=5)
