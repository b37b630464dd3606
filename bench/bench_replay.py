"""Replay with the event map ÷ plain ``Replayer.replay_workflow``, side by side in one run.

Usage: python bench/bench_replay.py [HISTORY] [--workflow SPEC] [--rounds N]
Defaults to the ~10,000-event bundled example (examples/batch). Prints medians and ratios;
asserts nothing about time (machines are noisy).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path

from temporalio.worker import Replayer

from replaydbg.history import load_history
from replaydbg.replay import find_workflow, replay_history
from replaydbg.replay.engine import quiet_runtime

ROOT = Path(__file__).resolve().parents[1]


async def _plain(history, cls, debug_mode: bool) -> float:
    start = time.perf_counter()
    replayer = Replayer(workflows=[cls], debug_mode=debug_mode, runtime=quiet_runtime())
    await replayer.replay_workflow(history.to_workflow_history())
    return time.perf_counter() - start


async def _ours(history, cls) -> float:
    start = time.perf_counter()
    report = await replay_history(history, cls)
    assert report.ok, report.error
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("history", nargs="?", default=str(ROOT / "examples/batch/history.json"))
    parser.add_argument("--workflow", default=str(ROOT / "examples/batch"))
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "examples"))
    history = load_history(args.history)
    cls = find_workflow([args.workflow], history.workflow_type).cls
    times: dict[str, list[float]] = {"plain": [], "plain-debug": [], "replaydbg": []}
    asyncio.run(_plain(history, cls, False))  # warm-up: sandbox import caches
    for _ in range(args.rounds):  # interleaved so that machine noise hits all alike
        times["plain"].append(asyncio.run(_plain(history, cls, False)))
        times["plain-debug"].append(asyncio.run(_plain(history, cls, True)))
        times["replaydbg"].append(asyncio.run(_ours(history, cls)))
    med = {k: statistics.median(v) for k, v in times.items()}
    print(f"history: {args.history} ({len(history.events)} events), {args.rounds} rounds")
    for name, value in med.items():
        print(f"  {name:<12} median {value:.3f}s")
    print(f"ratio replaydbg / plain Replayer            : {med['replaydbg'] / med['plain']:.3f}x"
          " (goal <= 1.10x)")
    print(f"ratio replaydbg / plain Replayer debug mode : "
          f"{med['replaydbg'] / med['plain-debug']:.3f}x")


if __name__ == "__main__":
    main()
