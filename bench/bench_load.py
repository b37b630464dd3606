"""load_history ÷ ``WorkflowHistory.from_json`` on a ~10,000-event proto3 JSON history.

Usage: python bench/bench_load.py [HISTORY.json] [--events N] [--rounds N]
Without a file, one is built from the recorded tests/history/data/rich_history.json by
repeating its middle (ids renumbered) to N events. Both loaders read the file from disk in
each round; rounds alternate between them; prints medians and ratios (< 1 means we are
faster) for proto3 JSON and for the legacy spelling of the same history. Asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from temporalio.client import WorkflowHistory

from replaydbg.history import load_history

ROOT = Path(__file__).resolve().parents[1]
RICH = ROOT / "tests" / "history" / "data" / "rich_history.json"
_LEGACY = re.compile(r'"(EVENT_TYPE|TASK_QUEUE_KIND|RETRY_STATE)_([A-Z_]+)"')


def synthesize(source: Path, events: int) -> dict[str, Any]:
    """A long, valid history: event 1, the middle repeated with shifted ids, the last."""
    original = json.loads(source.read_text())["events"]
    first, middle, last = original[0], original[1:-1], original[-1]
    out = [first]
    offset = 0
    while len(out) + len(middle) < events:
        out.extend(_shifted(event, offset) for event in middle)
        offset += len(middle)
    out.append(_shifted(last, offset - len(middle)))
    return {"events": out}


def _shifted(value: Any, offset: int) -> Any:
    if isinstance(value, dict):
        return {
            key: str(int(item) + offset)
            if (key == "eventId" or key.endswith("EventId")) and isinstance(item, str)
            and item.isdigit() and int(item) > 0
            else _shifted(item, offset)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [_shifted(item, offset) for item in value]
    return value


def _legacy_text(text: str) -> str:
    def pascal(match: re.Match[str]) -> str:
        return '"' + "".join(part.capitalize() for part in match.group(2).split("_")) + '"'

    return _LEGACY.sub(pascal, text)


def _time(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def compare(path: Path, rounds: int) -> tuple[float, float]:
    ours: list[float] = []
    sdk: list[float] = []
    for _ in range(rounds):
        ours.append(_time(lambda: load_history(path)))
        sdk.append(_time(lambda: WorkflowHistory.from_json("wf", path.read_text())))
    return statistics.median(ours), statistics.median(sdk)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("history", nargs="?", type=Path)
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        proto3 = args.history or Path(tmp) / "h10k.json"
        if args.history is None:
            proto3.write_text(json.dumps(synthesize(RICH, args.events), indent=2))
        legacy = Path(tmp) / "legacy.json"
        legacy.write_text(_legacy_text(proto3.read_text()))
        count = len(load_history(proto3).events)
        print(f"{count} events, {proto3.stat().st_size / 1e6:.1f} MB, {args.rounds} rounds")
        for label, path in (("proto3 JSON", proto3), ("legacy JSON", legacy)):
            ours, sdk = compare(path, args.rounds)
            print(f"{label:12}  load_history {ours * 1000:7.1f} ms   "
                  f"WorkflowHistory.from_json {sdk * 1000:7.1f} ms   ratio {ours / sdk:.2f}")


if __name__ == "__main__":
    main()
