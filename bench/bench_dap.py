"""The debug adapter on the ~10,000-event example, against plain replay, in one run.

Figures (the issue's goals in brackets):
* a full replay under the adapter with event breakpoints set but not hit, from
  configurationDone to terminated, ÷ a plain ``Replayer`` replay [<= 1.5x on 3.12, 2x on 3.11];
* launch -> first ``stopped`` with stopOnEntry [<= 1.5 s] (the event map is made in the
  background meanwhile; the time until it is in is printed too);
* continue from an event stop to a stop ~5,000 events later ÷ the plain replay time of those
  events (estimated as the plain replay time × the fraction of events) [<= 1.2x].
Prints figures; asserts nothing about time.
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "examples"))

from temporalio.worker import Replayer  # noqa: E402

from replaydbg.history import load_history  # noqa: E402
from replaydbg.replay import find_workflow  # noqa: E402
from replaydbg.replay.engine import quiet_runtime  # noqa: E402
from tests.support.dap_client import Adapter, wait_for  # noqa: E402

HISTORY = "batch/history.json"
EXAMPLES = ROOT / "examples"


def plain_replay() -> float:
    history = load_history(EXAMPLES / HISTORY)
    cls = find_workflow([str(EXAMPLES / "batch")], history.workflow_type).cls
    start = time.perf_counter()
    asyncio.run(Replayer(workflows=[cls], runtime=quiet_runtime())
                .replay_workflow(history.to_workflow_history()))
    return time.perf_counter() - start


def session(breakpoints: list[dict[str, str]], *, stops: int = 0,
            stop_on_entry: bool = False) -> dict[str, float]:
    """One session's timestamps; ``stops`` is how many stops to expect and continue from."""
    adapter = Adapter()
    marks: dict[str, float] = {"start": time.perf_counter()}
    adapter.request(1, "initialize", adapterID="temporal-replay", supportsProgressReporting=True)
    marks["launch"] = time.perf_counter()
    adapter.send_raw(_launch(stop_on_entry))
    wait_for(adapter, lambda m: m.get("event") == "initialized", 300)
    marks["initialized"] = time.perf_counter()
    adapter.request(3, "setFunctionBreakpoints", breakpoints=breakpoints)
    adapter.request(4, "configurationDone")
    marks["configured"] = time.perf_counter()
    seen: list[dict[str, object]] = []
    for index in range(stops):
        stop = wait_for(adapter, lambda m: m.get("event") == "stopped" and m not in seen, 300)
        seen.append(stop)
        marks[f"stop{index}"] = time.perf_counter()
        adapter.request(5 + index, "continue", threadId=stop["body"]["threadId"])
        marks[f"continued{index}"] = time.perf_counter()
    wait_for(adapter, lambda m: m.get("event") == "terminated", 600)
    marks["terminated"] = time.perf_counter()
    wait_for(adapter, lambda m: m.get("event") == "progressEnd", 600)
    marks["mapped"] = time.perf_counter()
    adapter.request(9, "disconnect")
    adapter.proc.wait(timeout=30)
    return marks


def _launch(stop_on_entry: bool) -> bytes:
    from replaydbg.dap.adapter.protocol import encode_message

    return encode_message({"seq": 2, "type": "request", "command": "launch", "arguments": {
        "historyFile": HISTORY, "cwd": str(EXAMPLES), "python": sys.executable,
        "workflow": "batch.workflows:BatchWorkflow", "stopOnEntry": stop_on_entry}})


def _scheduled_at_or_after(event_id: int) -> int:
    """An event where workflow code runs (an activity being scheduled), from ``event_id`` on."""
    for event in load_history(EXAMPLES / HISTORY).events[event_id - 1:]:
        if event.HasField("activity_task_scheduled_event_attributes"):
            return int(event.event_id)
    raise ValueError(f"no ActivityTaskScheduled at or after event {event_id}")


def main() -> None:
    rounds = 3
    plain = statistics.median(plain_replay() for _ in range(rounds))
    not_hit = [session([{"name": "ActivityTaskCompleted", "hitCondition": ">99999"}])
               for _ in range(rounds)]
    debug = statistics.median(m["terminated"] - m["configured"] for m in not_hit)
    entries = [session([], stops=1, stop_on_entry=True) for _ in range(rounds)]
    entry = statistics.median(m["stop0"] - m["launch"] for m in entries)
    mapped = statistics.median(m["mapped"] - m["launch"] for m in entries)
    first, later = (_scheduled_at_or_after(n) for n in (100, 5100))
    far = session([{"name": f"#{first}"}, {"name": f"#{later}"}], stops=2)
    gap = far["stop1"] - far["continued0"]
    total = len(load_history(EXAMPLES / HISTORY).events)
    print(f"history {HISTORY}: {total} events; Python {sys.version.split()[0]}")
    print(f"plain Replayer                       {plain:.2f}s")
    print(f"under the adapter, breakpoints unhit {debug:.2f}s  ratio {debug / plain:.2f}x "
          "(goal <= 1.5x on 3.12, <= 2x on 3.11)")
    print(f"launch -> first stop (stopOnEntry)   {entry:.2f}s (goal <= 1.5 s)")
    print(f"launch -> event map in (background)  {mapped:.2f}s")
    share = plain * (later - first) / total
    print(f"continue event {first} -> event {later}   {gap:.2f}s  ratio {gap / share:.2f}x of "
          f"the plain replay time of those {later - first} events (goal <= 1.2x)")


if __name__ == "__main__":
    main()
