"""Pulling the project's recent histories for the language server, in a child process.

``replaydbg history pull`` does the work (the connection, the profile, the folder's upkeep):
the language server runs it at start and when the user asks, in the user's interpreter at
the project root, and waits only on its pipes, so it keeps answering meanwhile. A pull that
changed the folder asks for a replay; one that failed (server down, bad query) is said once,
with its hint, and the histories already pulled are still replayed.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PullResult:
    """How a pull ended: what it said on stderr, whether the folder changed, or the error."""

    summary: str = ""
    changed: bool = False
    error: str = ""


class HistoryPulls:
    """At most one pull at a time for one project root; ``deliver`` gets each result."""

    def __init__(self, root: Path, deliver: Callable[[PullResult], None]) -> None:
        self.root = root
        self._deliver = deliver
        self._task: asyncio.Task[PullResult] | None = None
        self.enabled = False

    def pull(self) -> asyncio.Task[PullResult] | None:
        """Start a pull (or join the one under way); None when the project pulls nothing."""
        if not self.enabled:
            return None
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._pull())
        return self._task

    async def close(self) -> None:
        """Shutdown: the pull process is killed and waited for."""
        self.enabled = False
        task, self._task = self._task, None
        if task is not None and not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _pull(self) -> PullResult:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "replaydbg", "history", "pull", "--json", cwd=self.root,
            stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE)
        try:
            out, err = await process.communicate()
        except asyncio.CancelledError:
            with contextlib.suppress(ProcessLookupError):
                process.kill()
            await process.wait()
            raise
        result = _result(process.returncode or 0, out, err)
        logger.info("history pull: %s", result.error or result.summary)
        self._deliver(result)
        return result


def _result(code: int, out: bytes, err: bytes) -> PullResult:
    said = err.decode("utf-8", "replace").strip()
    if code != 0:
        lines = [line.strip() for line in said.splitlines() if line.strip()]
        message = " ".join(lines[-2:]) if lines else f"exit code {code}"
        return PullResult(error=message.removeprefix("replaydbg: error: "))
    try:
        answer = json.loads(out.decode("utf-8", "replace").strip().splitlines()[-1])
    except (json.JSONDecodeError, IndexError):
        return PullResult(error=f"the pull printed no result ({said[-200:] or 'no output'})")
    changed = bool(answer.get("fetched") or answer.get("removed"))
    summary = next((line for line in said.splitlines() if line.startswith("pulled ")), "")
    return PullResult(summary, changed)
