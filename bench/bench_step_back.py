"""Step Back in the debug adapter: request -> ``stopped``, and what a parked standby costs.

Issue goals: <= 0.3 s on the orders example, <= 1.0 s anywhere in the ~10,000-event batch
example. Going back takes the standby debuggee the adapter parks while the user looks at a
stop; the user's think time is simulated with a pause before each step (``PARK_SECONDS``),
and the same step taken at once (no time to park) is measured side by side: that is what
going back cost before there was a standby (a new debugpy and debuggee per step).

Reverse Continue from event 5,000 of the batch example back to a breakpoint on event 1 is
timed too (the standby parked near the stop cannot go that far back: the one parked at the
start of the history does).

Prints the median of ``RUNS`` steps per case and the memory (RSS) of the session's
processes, the parked standby's apart; asserts nothing about time.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support.dap_client import Adapter, wait_for  # noqa: E402

EXAMPLES = ROOT / "examples"
RUNS = int(os.environ.get("BENCH_RUNS", "5"))
PARK_SECONDS = float(os.environ.get("BENCH_PARK_SECONDS", "6"))
CASES = [("orders/history.json", 31), ("batch/history.json", 5000)]


class Session:
    """One adapter on one history, stopped at an event breakpoint."""

    def __init__(self, history: str, event: int, *more: int) -> None:
        self.adapter = Adapter()
        self.seq = 10
        self.seen = 0
        self.adapter.request(1, "initialize", adapterID="temporal-replay")
        self.adapter.send(2, "launch", historyFile=history, cwd=str(EXAMPLES),
                          python=sys.executable)
        wait_for(self.adapter, lambda m: m.get("event") == "initialized")
        self.request("setFunctionBreakpoints",
                     breakpoints=[{"name": f"event:{e}"} for e in (event, *more)])
        self.request("configurationDone")
        self.thread = self.stop()["threadId"]

    def request(self, command: str, **arguments: Any) -> dict[str, Any]:
        self.seq += 1
        return self.adapter.request(self.seq, command, **arguments)

    def stop(self) -> dict[str, Any]:
        """The next ``stopped`` body, polled finely (the figures are tenths of a second)."""
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            stops = [m for m in self.adapter.messages if m.get("event") == "stopped"]
            if len(stops) > self.seen:
                self.seen += 1
                return dict(stops[self.seen - 1]["body"])
            time.sleep(0.002)
        raise TimeoutError("no stop")

    def step_back(self) -> float:
        start = time.perf_counter()
        self.request("stepBack", threadId=self.thread)
        self.thread = self.stop()["threadId"]
        took = time.perf_counter() - start
        self.request("temporal/nextEvent", threadId=self.thread)  # forward again
        self.thread = self.stop()["threadId"]
        return took

    def reverse_to_start(self) -> float:
        """Reverse Continue to the breakpoint on event 1, then Continue to the deep one."""
        start = time.perf_counter()
        self.request("reverseContinue", threadId=self.thread)
        stop = self.stop()
        took = time.perf_counter() - start
        assert stop["description"].startswith("Event 1 "), stop
        self.request("continue", threadId=stop["threadId"])
        self.thread = self.stop()["threadId"]
        return took

    def close(self) -> None:
        self.adapter.request(99, "disconnect")
        self.adapter.proc.wait(timeout=10)


def _tree(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                fields = Path(f"/proc/{name}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            children.setdefault(int(fields[1]), []).append(int(name))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(children.get(current, []))
    return found


def _rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _memory(session: Session) -> str:
    rows = []
    for pid in _tree(session.adapter.proc.pid):
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        kind = ("replaydbg adapter" if pid == session.adapter.proc.pid else
                "debuggee" if "--connect" in command else
                "debugpy launcher" if "launcher" in command else
                "debugpy adapter" if "debugpy.adapter" in command else "other")
        rows.append((kind, _rss_mb(pid)))
    total = sum(mb for _, mb in rows)
    parts = ", ".join(f"{kind} {mb:.0f}" for kind, mb in sorted(rows))
    return f"{total:.0f} MB in {len(rows)} processes ({parts})"


def main() -> None:
    print(f"Step Back, request -> stopped; median of {RUNS} (machine: {os.cpu_count()} cores, "
          f"Python {sys.version_info.major}.{sys.version_info.minor})")
    for history, event in CASES:
        session = Session(history, event)
        try:
            at_once = [session.step_back() for _ in range(RUNS)]
            parked = []
            for _ in range(RUNS):
                time.sleep(PARK_SECONDS)
                parked.append(session.step_back())
            time.sleep(PARK_SECONDS)  # the next standby parked too
            memory = _memory(session)
        finally:
            session.close()
        fast, slow = statistics.median(parked), statistics.median(at_once)
        print(f"  {history} at event {event}: parked standby {fast:.3f} s "
              f"(runs {', '.join(f'{t:.2f}' for t in parked)}); at once, no time to park "
              f"{slow:.3f} s; ratio {slow / fast:.1f}x")
        print(f"    memory with a standby parked: {memory}")
    session = Session("batch/history.json", 1, 5000)
    try:
        session.request("continue", threadId=session.thread)
        session.thread = session.stop()["threadId"]
        back = []
        for _ in range(RUNS):
            time.sleep(PARK_SECONDS)
            back.append(session.reverse_to_start())
        time.sleep(PARK_SECONDS)
        memory = _memory(session)
    finally:
        session.close()
    print(f"  batch/history.json, Reverse Continue from event 5000 to event 1: median "
          f"{statistics.median(back):.3f} s (runs {', '.join(f'{t:.2f}' for t in back)})")
    print(f"    memory with both standbys parked: {memory}")


if __name__ == "__main__":
    main()
