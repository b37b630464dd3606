"""A big history (>= 50k events) through ``replaydbg replay`` ÷ the plain SDK, side by side.

Usage: python bench/bench_big.py [--events N] [--rounds N] [HISTORY --workflow SPEC]

Without a history, one of N events (default 60,000) is recorded once from a real dev server
(bench/bighistory.py, cached in bench/.cache/). Each subject runs in its own process, rounds
interleaved; wall time and peak RSS (from wait4) per process, medians and ratios:
  plain        WorkflowHistory.from_json + Replayer.replay_workflow (the SDK's defaults)
  plain-debug  the same with debug_mode=True (what a replay under a debugger needs)
  replay -q    replaydbg replay -q (outcome only)
  replay       replaydbg replay, the full trace written to /dev/null
Goals: replaydbg ≤ 1.10x the time and ≤ 1.20x the peak memory of plain. Asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bighistory import cached_history

BENCH = Path(__file__).resolve().parent
PLAIN = """
import asyncio, sys
from replaydbg.replay.discovery import find_workflow
from temporalio.client import WorkflowHistory
from temporalio.worker import Replayer
path, spec, debug = sys.argv[1], sys.argv[2], sys.argv[3] == "1"
with open(path) as f:
    history = WorkflowHistory.from_json("wf", f.read())
started = history.events[0].workflow_execution_started_event_attributes
cls = find_workflow([spec], started.workflow_type.name).cls
asyncio.run(Replayer(workflows=[cls], debug_mode=debug).replay_workflow(history))
"""


def subjects(history: Path, spec: str) -> dict[str, list[str]]:
    python = sys.executable
    cli = [python, "-m", "replaydbg", "replay", str(history), "--workflow", spec,
           "--no-progress"]
    return {
        "plain": [python, "-c", PLAIN, str(history), spec, "0"],
        "plain-debug": [python, "-c", PLAIN, str(history), spec, "1"],
        "replay -q": [*cli, "-q"],
        "replay": cli,
    }


def measure(argv: list[str]) -> tuple[float, float]:
    """Wall seconds and peak RSS in MB of one process run to its end."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    assert proc.stderr is not None
    errors = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError(f"{argv[:4]} exited {proc.returncode}: {errors.decode()[-2000:]}")
    return elapsed, usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("history", nargs="?", type=Path)
    parser.add_argument("--workflow", default=str(BENCH / "bigworkflow.py"))
    parser.add_argument("--events", type=int, default=60_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--only", action="append", help="run only these subjects")
    args = parser.parse_args()
    history = args.history or cached_history(args.events)
    runs = {name: argv for name, argv in subjects(history, args.workflow).items()
            if not args.only or name in args.only}
    times: dict[str, list[float]] = {name: [] for name in runs}
    peaks: dict[str, list[float]] = {name: [] for name in runs}
    print(f"history: {history} ({history.stat().st_size / 1e6:.1f} MB), {args.rounds} rounds")
    for round_ in range(args.rounds):  # interleaved: machine noise hits every subject alike
        for name, argv in runs.items():
            elapsed, peak = measure(argv)
            times[name].append(elapsed)
            peaks[name].append(peak)
            print(f"  round {round_ + 1} {name:<12} {elapsed:7.1f}s {peak:7.0f} MB", flush=True)
    report(times, peaks)


def report(times: dict[str, list[float]], peaks: dict[str, list[float]]) -> None:
    time_med = {name: statistics.median(v) for name, v in times.items()}
    peak_med = {name: statistics.median(v) for name, v in peaks.items()}
    for name in time_med:
        line = f"{name:<12} median {time_med[name]:7.1f}s  peak {peak_med[name]:6.0f} MB"
        for base in ("plain", "plain-debug"):
            if base in time_med and name.startswith("replay"):
                line += (f"  ÷{base}: time {time_med[name] / time_med[base]:.2f}x"
                         f" memory {peak_med[name] / peak_med[base]:.2f}x")
        print(line)
    print("goals: time <= 1.10x, peak memory <= 1.20x the plain SDK path")


if __name__ == "__main__":
    main()
