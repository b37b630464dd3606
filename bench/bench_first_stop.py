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
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from replaydbg.dap.adapter.protocol import encode_message, read_message  # noqa: E402

EXAMPLES = ROOT / "examples"
RUNS = int(os.environ.get("BENCH_RUNS", "5"))


class Client:
    """A DAP client of an adapter process over stdio, timing the first ``stopped``."""

    def __init__(self, command: list[str], cwd: Path) -> None:
        self.proc = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL, cwd=cwd)
        self.messages: list[dict[str, Any]] = []
        self.seq = 0
        self.stopped = threading.Event()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        while True:
            try:
                message = read_message(self.proc.stdout)
            except Exception:
                return
            self.messages.append(message)
            if message.get("event") == "stopped":
                self.stopped.set()

    def send(self, command: str, **arguments: Any) -> int:
        assert self.proc.stdin is not None
        self.seq += 1
        self.proc.stdin.write(encode_message({"seq": self.seq, "type": "request",
                                              "command": command, "arguments": arguments}))
        self.proc.stdin.flush()
        return self.seq

    def wait(self, predicate: Any, timeout: float = 60) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for message in list(self.messages):
                if predicate(message):
                    return message
            time.sleep(0.002)
        raise TimeoutError(self.messages[-5:])

    def close(self) -> None:
        self.send("disconnect", terminateDebuggee=True)
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


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
        client.stopped.wait(60)
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
        client.stopped.wait(60)
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
