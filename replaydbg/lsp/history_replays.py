"""Replaying the project's saved histories on save, in a standby process, newest code only.

A save of workflow code (or of a module it imports) asks for a run; the run hands the request
to a process that was started beforehand (:mod:`replaydbg.histcheck.standby`: the SDK is
already imported), and a fresh standby is started at once for the next save. A save during a
run makes that run stale: its process is killed and the next one takes the newer code. Code
the last run already replayed (same bytes on disk for every file saved since) is not
replayed again. The language server's event loop only waits on pipes meanwhile, so it keeps
answering other requests.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
import sys
import time
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from pathlib import Path

from replaydbg.histcheck.findings import HistoryFinding
from replaydbg.histcheck.standby import Request

logger = logging.getLogger(__name__)

#: What a standby's stderr may add to the log after a failed run, at most.
_LOG_TAIL = 4000


@dataclass(frozen=True)
class ReplayRun:
    """What one run found: the findings, the histories per workflow type, or why it failed.

    ``trigger`` is the file whose save asked for the run (None for the run at start-up):
    findings with no line of code (a module that cannot be imported) are shown on it.
    """

    findings: tuple[HistoryFinding, ...] = ()
    totals: dict[str, int] = field(default_factory=dict)
    error: str = ""
    trigger: Path | None = None
    seconds: float = 0.0


class HistoryReplays:
    """Runs of the saved histories for one workspace root; at most one at a time.

    ``deliver`` receives every completed run (never a cancelled one), on the event loop.
    """

    def __init__(self, root: Path, deliver: Callable[[ReplayRun], None],
                 progress: Callable[[], AbstractAsyncContextManager[None]] | None = None,
                 ) -> None:
        self.root = root
        self._deliver = deliver
        self._progress = progress or contextlib.nullcontext
        self._request: Request | None = None
        self._standby: asyncio.subprocess.Process | None = None
        self._task: asyncio.Task[None] | None = None
        #: Digest of each saved file's bytes as the last started run saw them.
        self._replayed: dict[Path, str] = {}
        self._closed = False
        #: Waits for killed standbys, held so that they are not collected early.
        self._reaping: set[asyncio.Task[int]] = set()

    @property
    def enabled(self) -> bool:
        """Whether the project has saved histories to replay (and the server is open)."""
        return self._request is not None and not self._closed

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    def configure(self, request: Request | None) -> None:
        """Replay ``request`` from now on (None: the project keeps no histories).

        A new configuration replays everything again: plugins or folders may have changed.
        """
        self._request = request
        self._replayed.clear()
        self._cancel()
        if self._standby is not None:  # it read the folders of the old configuration
            self._discard(self._standby)
            self._standby = None

    def run(self, trigger: Path | None = None, *, force: bool = False) -> bool:
        """Replay now (a run under way is stale: cancelled). False when nothing changed.

        ``trigger`` is the file just saved; a save that left its bytes as the last run saw
        them asks for nothing, unless ``force`` (the user asked: histories may be new).
        """
        if not self.enabled:
            return False
        if trigger is not None and not force:
            digest = _digest(trigger)
            if digest is not None and self._replayed.get(trigger) == digest:
                return False
            if digest is not None:
                self._replayed[trigger] = digest
        self._cancel()
        self._task = asyncio.get_running_loop().create_task(self._run(trigger))
        return True

    async def close(self) -> None:
        """Shutdown: no run, no standby process left behind (they are waited for)."""
        self._closed = True
        running = self._task
        self._cancel()
        standby, self._standby = self._standby, None
        if standby is not None:
            _kill(standby)
            await standby.wait()
        if running is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await running
        if self._reaping:
            await asyncio.gather(*self._reaping)

    async def _run(self, trigger: Path | None) -> None:
        assert self._request is not None
        started = time.perf_counter()
        process, self._standby = self._standby, None
        try:
            if process is None:
                process = await self._spawn()
            if not self._closed:
                self._standby = await self._spawn()  # importing while this one replays
            async with self._progress():
                out, err = await process.communicate(
                    (json.dumps(self._request.to_json()) + "\n").encode())
        except asyncio.CancelledError:
            if process is not None:
                _kill(process)
                await process.wait()
            raise
        run = _parsed(out, err, trigger)
        run = ReplayRun(run.findings, run.totals, run.error, trigger,
                        time.perf_counter() - started)
        logger.info("replayed %d saved histories in %.0f ms: %d findings%s",
                    sum(run.totals.values()), run.seconds * 1000, len(run.findings),
                    f"; {run.error}" if run.error else "")
        self._deliver(run)

    async def _spawn(self) -> asyncio.subprocess.Process:
        """A standby replay process in the user's interpreter, at the project root."""
        folders = self._request.folders if self._request is not None else ()
        return await asyncio.create_subprocess_exec(
            sys.executable, "-m", "replaydbg.histcheck.standby", *folders, cwd=self.root,
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE)

    def _discard(self, process: asyncio.subprocess.Process) -> None:
        """Kill ``process`` and reap it in the background (no zombie, no loop warning)."""
        _kill(process)
        reaping = asyncio.get_running_loop().create_task(process.wait())
        self._reaping.add(reaping)
        reaping.add_done_callback(self._reaping.discard)

    def _cancel(self) -> None:
        if self._task is not None and not self._task.done():
            self._task.cancel()
        self._task = None


def _parsed(out: bytes, err: bytes, trigger: Path | None) -> ReplayRun:
    """The standby's answer; a process that died without one is an error run."""
    line = out.decode("utf-8", "replace").strip().splitlines()
    try:
        answer = json.loads(line[-1]) if line else None
    except json.JSONDecodeError:
        answer = None
    if not isinstance(answer, dict):
        tail = err.decode("utf-8", "replace")[-_LOG_TAIL:]
        logger.warning("the replay process ended without an answer:\n%s", tail)
        last = tail.strip().splitlines()[-1:] or ["no output"]
        return ReplayRun(error=f"the replay process ended without an answer ({last[0]})",
                         trigger=trigger)
    if err:
        logger.debug("replay process log:\n%s", err.decode("utf-8", "replace")[-_LOG_TAIL:])
    if "error" in answer:
        hint = answer.get("hint") or ""
        return ReplayRun(error=str(answer["error"]) + (f" (hint: {hint})" if hint else ""),
                         trigger=trigger)
    return ReplayRun(tuple(HistoryFinding.from_json(f) for f in answer.get("findings", [])),
                     {str(k): int(v) for k, v in (answer.get("totals") or {}).items()},
                     trigger=trigger)


def _digest(path: Path) -> str | None:
    try:
        return hashlib.sha1(path.read_bytes()).hexdigest()
    except OSError:
        return None


def _kill(process: asyncio.subprocess.Process) -> None:
    with contextlib.suppress(ProcessLookupError):
        process.kill()
