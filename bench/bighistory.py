"""Record (once) a history of tens of thousands of events from a real dev server.

Used by bench_big.py; the history is cached in bench/.cache/ (git-ignored: it is tens of MB).
"""

from __future__ import annotations

import asyncio
import logging
import sys
from pathlib import Path

from temporalio.client import Client
from temporalio.worker import Worker

from replaydbg.testing.devserver import DevServer

BENCH = Path(__file__).resolve().parent
CACHE = BENCH / ".cache"
# Temporal's defaults refuse a history past 51,200 events or 50 MB; the bench goes beyond.
SERVER_ARGS = (
    "--dynamic-config-value", "limit.historyCount.error=1000000",
    "--dynamic-config-value", "limit.historyCount.warn=1000000",
    "--dynamic-config-value", "limit.historySize.error=1000000000",
    "--dynamic-config-value", "limit.historySize.warn=1000000000",
)
# Each activity makes three events, and each round of them a few workflow task events.
EVENTS_PER_ACTIVITY = 3.2

log = logging.getLogger("bighistory")


def cached_history(events: int) -> Path:
    """The path of a recorded history of at least ``events`` events, recording it if absent."""
    path = CACHE / f"big-{events}.json"
    if not path.exists():
        CACHE.mkdir(exist_ok=True)
        asyncio.run(_record(path, events))
    return path


async def _record(path: Path, events: int) -> None:
    sys.path.insert(0, str(BENCH))
    from bigworkflow import BigHistoryWorkflow, BigJob, transform

    job = BigJob(activities=int(events / EVENTS_PER_ACTIVITY) + 1, per_round=100, pause_every=20)
    log.warning("recording a history of about %d events (once; cached in %s)", events, path)
    with DevServer(extra_args=SERVER_ARGS) as server:
        client = await Client.connect(server.address)
        async with Worker(client, task_queue="big", workflows=[BigHistoryWorkflow],
                          activities=[transform], max_concurrent_activities=200):
            handle = await client.start_workflow(BigHistoryWorkflow.run, job,
                                                 id="big-history", task_queue="big")
            await handle.result()
        history = await handle.fetch_history()
    if len(history.events) < events:
        log.warning("recorded %d events, fewer than %d asked", len(history.events), events)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(history.to_json())
    tmp.rename(path)
    log.warning("recorded %d events, %.1f MB", len(history.events), path.stat().st_size / 1e6)


if __name__ == "__main__":
    print(cached_history(int(sys.argv[1]) if len(sys.argv) > 1 else 60_000))
