"""Launch -> first ``stopped``: replaydbg's adapter against debugpy's own, side by side.

The issue's goal: replaydbg's launch to its first stop (stopOnEntry, and an event
breakpoint) on the orders example within 1.3x of debugpy's own adapter launching a trivial
script to a breakpoint on its first line. Each round runs the three, one after the other,
``RUNS`` rounds; medians and ratios are printed; nothing about time is asserted.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support.dap_client import Adapter, wait_for  # noqa: E402

EXAMPLES = ROOT / "examples"
RUNS = int(os.environ.get("BENCH_RUNS", "5"))


class Client:
    """An adapter process over stdio, numbering the requests it is sent."""

    def __init__(self, command: list[str], cwd: Path) -> None:
        self.adapter = Adapter(command, str(cwd))
        self.seq = 0

    def send(self, command: str, **arguments: Any) -> None:
        self.seq += 1
        self.adapter.send(self.seq, command, **arguments)

    def wait(self, predicate: Any) -> dict[str, Any]:
        return wait_for(self.adapter, predicate, poll=0.002)

    def stopped(self) -> None:
        self.wait(lambda m: m.get("event") == "stopped")

    def close(self) -> None:
        self.send("disconnect", terminateDebuggee=True)
        try:
            self.adapter.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.adapter.proc.kill()


def debugpy_own(script: Path) -> float:
    """debugpy's adapter: launch a one-line script to a breakpoint on that line."""
    start = time.perf_counter()
    client = Client([sys.executable, "-m", "debugpy.adapter"], script.parent)
    try:
        client.send("initialize", adapterID="debugpy", clientID="bench")
        client.send("launch", program=str(script), console="internalConsole",
                    justMyCode=True)
        client.wait(lambda m: m.get("event") == "initialized")
        client.send("setBreakpoints", source={"path": str(script)}, breakpoints=[{"line": 1}])
        client.send("configurationDone")
        client.stopped()
        return time.perf_counter() - start
    finally:
        client.close()


def replaydbg(**launch: Any) -> float:
    """replaydbg's adapter: launch the orders replay to its first stop."""
    breakpoints = launch.pop("breakpoints", None)
    start = time.perf_counter()
    client = Client([sys.executable, "-m", "replaydbg.dap"], EXAMPLES)
    try:
        client.send("initialize", adapterID="temporal-replay", clientID="bench")
        client.send("launch", historyFile="orders/history.json", cwd=str(EXAMPLES),
                    python=sys.executable, **launch)
        client.wait(lambda m: m.get("event") == "initialized")
        if breakpoints:
            client.send("setFunctionBreakpoints", breakpoints=breakpoints)
        client.send("configurationDone")
        client.stopped()
        return time.perf_counter() - start
    finally:
        client.close()


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="replaydbg-bench-") as folder:
        script = Path(folder) / "trivial.py"
        script.write_text("x = 1\n")
        rounds: dict[str, list[float]] = {"debugpy": [], "entry": [], "event": []}
        for _ in range(RUNS):
            rounds["debugpy"].append(debugpy_own(script))
            rounds["entry"].append(replaydbg(stopOnEntry=True))
            rounds["event"].append(replaydbg(breakpoints=[{"name": "event:17"}]))
    base = statistics.median(rounds["debugpy"])
    print(f"launch -> first stopped, median of {RUNS} rounds (Python "
          f"{sys.version_info.major}.{sys.version_info.minor}, {os.cpu_count()} cores)")
    print(f"  debugpy's own adapter, trivial script  {base:.2f} s")
    for name, label in (("entry", "replaydbg, orders, stopOnEntry"),
                        ("event", "replaydbg, orders, event:17 breakpoint")):
        value = statistics.median(rounds[name])
        print(f"  {label:<38} {value:.2f} s  ratio {value / base:.2f}x (goal <= 1.3x)")


if __name__ == "__main__":
    main()
