"""Shadowing on Temporal: two ``shadow-worker`` processes against one, side by side.

A dev server keeps ``BENCH_EXECUTIONS`` (default 5,000) closed runs of the greeting example in
a database file (bench/.cache/, recorded once). Each round times ``replaydbg shadow
--on-temporal`` from start to report, with one and then two shadow workers already polling
(``--no-cache``: every history is fetched from the server, as on a first run), ``RUNS`` rounds
alternately. Goal: two workers >= 1.6x one. Medians and the ratio are printed; nothing about
time is asserted.
"""

from __future__ import annotations

import asyncio
import os
import signal
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
sys.path[:0] = [str(ROOT), str(EXAMPLES)]

from temporalio.client import Client  # noqa: E402
from temporalio.worker import Worker  # noqa: E402

from replaydbg.testing import DevServer  # noqa: E402

COUNT = int(os.environ.get("BENCH_EXECUTIONS", "5000"))
RUNS = int(os.environ.get("BENCH_RUNS", "3"))
CACHE = ROOT / "bench" / ".cache"
DB = CACHE / f"shadow-cluster-{COUNT}.db"
SPEC = "greeting.original_workflows"
CONCURRENCY = 250


async def _record(address: str) -> None:
    from greeting.activities import ALL_ACTIVITIES, GreetingRequest
    from greeting.original_workflows import GreetingWorkflow

    client = await Client.connect(address)
    queue = f"bench-{uuid.uuid4()}"
    async with Worker(client, task_queue=queue, workflows=[GreetingWorkflow],
                      activities=ALL_ACTIVITIES, max_concurrent_activities=CONCURRENCY):
        for start in range(0, COUNT, CONCURRENCY):
            await asyncio.gather(*(
                client.execute_workflow(GreetingWorkflow.run, GreetingRequest(f"user-{n}"),
                                        id=f"bench-greeting-{n}", task_queue=queue)
                for n in range(start, min(COUNT, start + CONCURRENCY))))
            print(f"  {min(COUNT, start + CONCURRENCY)} recorded", file=sys.stderr)


def server() -> DevServer:
    """A dev server on the recorded database (recording it first when there is none)."""
    done = DB.with_suffix(".done")
    if not done.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        DB.unlink(missing_ok=True)
        print(f"recording {COUNT} greeting runs on a dev server (once)...", file=sys.stderr)
        with DevServer(extra_args=("--db-filename", str(DB))) as recording:
            asyncio.run(_record(recording.address))
        done.touch()
    return DevServer(extra_args=("--db-filename", str(DB)))


def _workers(address: str, queue: str, count: int) -> list[subprocess.Popen[str]]:
    """``count`` shadow workers, returned once each polls."""
    workers = [subprocess.Popen(
        [sys.executable, "-m", "replaydbg", "shadow-worker", "-v", "--no-config", "--no-cache",
         "--address", address, "--task-queue", queue, "-W", SPEC],
        cwd=EXAMPLES, stderr=subprocess.PIPE, text=True) for _ in range(count)]
    for worker in workers:
        assert worker.stderr is not None
        for line in worker.stderr:
            if "polling task queue" in line:
                break
        else:
            raise RuntimeError(f"a shadow worker ended before polling: {worker.wait()}")
    return workers


def shadow(address: str, workers: int) -> float:
    queue = f"bench-shadow-{uuid.uuid4()}"
    running = _workers(address, queue, workers)
    try:
        start = time.perf_counter()
        run = subprocess.run(
            [sys.executable, "-m", "replaydbg", "shadow", "--on-temporal", "--task-queue", queue,
             "--address", address, "-t", "GreetingWorkflow", "--no-progress", "--no-config",
             "--json"], cwd=EXAMPLES, capture_output=True, text=True)
        took = time.perf_counter() - start
        if run.returncode != 0:
            raise RuntimeError(f"shadow failed ({run.returncode}): {run.stderr[-2000:]}")
        return took
    finally:
        for worker in running:
            worker.send_signal(signal.SIGTERM)
        for worker in running:
            worker.communicate(timeout=60)


def main() -> None:
    times: dict[int, list[float]] = {1: [], 2: []}
    with server() as dev:
        for _ in range(RUNS):
            for workers in (1, 2):
                times[workers].append(shadow(dev.address, workers))
    one, two = statistics.median(times[1]), statistics.median(times[2])
    print(f"{COUNT} closed executions on a dev server, shadow --on-temporal, median of {RUNS} "
          f"rounds ({os.cpu_count()} cores; histories fetched by the workers)")
    print(f"  1 shadow-worker    {one:.1f} s  {COUNT / one:.0f} executions/s")
    print(f"  2 shadow-workers   {two:.1f} s  {COUNT / two:.0f} executions/s  "
          f"speed-up {one / two:.2f}x (goal >= 1.6x)")


if __name__ == "__main__":
    main()
