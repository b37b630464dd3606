"""Replay a history in a test and fail it with replaydbg's explanation when it does not replay.

Shared by :func:`~replaydbg.testing.assert_replays` and the pytest plugin's history items: the
failure a test shows is the verdict ``replaydbg replay`` prints (the outcome, the user's
file:line, the history event against the command), not the SDK's bare message.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine
from typing import Any, TypeVar

from replaydbg.history.model import History
from replaydbg.replay.engine import DEFAULT_DEADLOCK_TIMEOUT
from replaydbg.replay.outcome import outcome_lines
from replaydbg.replay.report import ReplayReport, replay_history
from replaydbg.replay.setup import WorkerSetup

T = TypeVar("T")


class ReplayFailed(AssertionError):
    """The code no longer replays the history; the message is replaydbg's explanation."""

    def __init__(self, report: ReplayReport, explanation: str) -> None:
        super().__init__(explanation)
        #: The full report (event map, divergence, warnings) for a test that looks closer.
        self.report = report


def replay_checked(history: History, workflow: type, *, setup: WorkerSetup,
                   user_roots: tuple[str, ...] = (), base: str | None = None,
                   deadlock_timeout: float | None = DEFAULT_DEADLOCK_TIMEOUT) -> ReplayReport:
    """The report of a replay that replayed; :class:`ReplayFailed` for any other outcome.

    Paths in the explanation are relative to ``base`` (the working directory by default).
    Warnings do not fail: they are on the report for the caller to show.
    """
    report = run_blocking(replay_history(history, workflow, setup=setup, user_roots=user_roots,
                                         deadlock_timeout=deadlock_timeout))
    if not report.ok:
        raise ReplayFailed(report, "\n".join(outcome_lines(report, base=base)))
    return report


def run_blocking(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run ``coroutine`` to its end, from synchronous code or from inside an event loop.

    An ``async def`` test (pytest-asyncio, anyio) already runs a loop, where ``asyncio.run``
    refuses to start another: there the replay gets a loop of its own on a helper thread.
    """
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    outcome: list[T] = []
    failure: list[BaseException] = []

    def run() -> None:
        try:
            outcome.append(asyncio.run(coroutine))
        except BaseException as err:  # handed to the caller's thread as it is
            failure.append(err)

    thread = threading.Thread(target=run, name="replaydbg-replay")
    thread.start()
    thread.join()
    if failure:
        raise failure[0]
    return outcome[0]
