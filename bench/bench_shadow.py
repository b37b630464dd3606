"""Shadowing throughput: replaydbg's batch replayer against the SDK's batch API, side by side.

Records ``BENCH_HISTORIES`` (default 1,000) runs of the greeting example on a real dev server
once (kept in bench/.cache/shadow-N/), then, in one run:

* per process: ``Replayer.replay_workflows`` on those histories (read from the files) and
  replaydbg's :class:`BatchReplayer` on the same files, in this process, ``RUNS`` times
  alternately; goal >= 0.9x the SDK's throughput;
* ``replaydbg shadow DIR --jobs 1`` and ``--jobs 2`` as the CLI runs them (process start and
  the workers' imports included); goal: --jobs 2 >= 1.7x --jobs 1 on 2 cores.

Medians and ratios are printed; nothing about time is asserted.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
sys.path[:0] = [str(ROOT), str(EXAMPLES)]

from temporalio.client import Client, WorkflowHistory  # noqa: E402
from temporalio.worker import Replayer, Worker  # noqa: E402

from replaydbg.shadow.replaying import BatchReplayer, ReplayOptions  # noqa: E402
from replaydbg.testing import DevServer  # noqa: E402

COUNT = int(os.environ.get("BENCH_HISTORIES", "1000"))
RUNS = int(os.environ.get("BENCH_RUNS", "3"))
DATA = ROOT / "bench" / ".cache" / f"shadow-{COUNT}"
SPEC = "greeting.original_workflows"


async def _record(address: str) -> None:
    from greeting.activities import ALL_ACTIVITIES, GreetingRequest
    from greeting.original_workflows import GreetingWorkflow

    client = await Client.connect(address)
    queue = f"bench-{uuid.uuid4()}"
    async with Worker(client, task_queue=queue, workflows=[GreetingWorkflow],
                      activities=ALL_ACTIVITIES, max_concurrent_activities=200):
        for start in range(0, COUNT, 200):
            await asyncio.gather(*(
                client.execute_workflow(GreetingWorkflow.run, GreetingRequest(f"user-{n}"),
                                        id=f"bench-greeting-{n}", task_queue=queue)
                for n in range(start, min(COUNT, start + 200))))
        for n in range(COUNT):
            history = await client.get_workflow_handle(f"bench-greeting-{n}").fetch_history()
            (DATA / f"greeting-{n:05}.json").write_text(history.to_json())


def record() -> list[Path]:
    """The recorded histories (recorded now when the cache does not hold them)."""
    files = sorted(DATA.glob("*.json"))
    if len(files) == COUNT:
        return files
    DATA.mkdir(parents=True, exist_ok=True)
    print(f"recording {COUNT} greeting runs on a dev server (once)...", file=sys.stderr)
    with DevServer() as server:
        asyncio.run(_record(server.address))
    return sorted(DATA.glob("*.json"))


async def sdk(files: list[Path]) -> float:
    from greeting.original_workflows import GreetingWorkflow

    start = time.perf_counter()
    async def histories() -> AsyncIterator[WorkflowHistory]:
        for f in files:
            yield WorkflowHistory.from_json(f.stem, f.read_text())

    results = await Replayer(workflows=[GreetingWorkflow]).replay_workflows(
        histories(), raise_on_replay_failure=False)
    assert not results.replay_failures
    return time.perf_counter() - start


async def ours(files: list[Path]) -> float:
    start = time.perf_counter()
    outcomes = await BatchReplayer(ReplayOptions((SPEC,))).replay_files(str(f) for f in files)
    assert all(o.ok for o in outcomes), [o for o in outcomes if not o.ok][:1]
    return time.perf_counter() - start


def cli(jobs: int) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "replaydbg", "shadow", str(DATA), "-W", SPEC,
                    "--jobs", str(jobs), "--no-progress", "--no-config"], cwd=EXAMPLES,
                   check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    os.chdir(EXAMPLES)
    files = record()
    times: dict[str, list[float]] = {"sdk": [], "ours": [], "jobs1": [], "jobs2": []}
    for _ in range(RUNS):
        times["sdk"].append(asyncio.run(sdk(files)))
        times["ours"].append(asyncio.run(ours(files)))
        times["jobs1"].append(cli(1))
        times["jobs2"].append(cli(2))
    med = {k: statistics.median(v) for k, v in times.items()}
    print(f"{len(files)} greeting histories, median of {RUNS} runs (Python "
          f"{sys.version_info.major}.{sys.version_info.minor}, {os.cpu_count()} cores)")
    print(f"  Replayer.replay_workflows       {med['sdk']:.2f} s  "
          f"{len(files) / med['sdk']:.0f} histories/s")
    print(f"  replaydbg BatchReplayer         {med['ours']:.2f} s  "
          f"{len(files) / med['ours']:.0f} histories/s  "
          f"throughput {med['sdk'] / med['ours']:.2f}x the SDK's (goal >= 0.9x)")
    print(f"  replaydbg shadow --jobs 1       {med['jobs1']:.2f} s")
    print(f"  replaydbg shadow --jobs 2       {med['jobs2']:.2f} s  "
          f"speed-up {med['jobs1'] / med['jobs2']:.2f}x (goal >= 1.7x)")


if __name__ == "__main__":
    main()
