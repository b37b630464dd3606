"""fetch_history ÷ ``temporal workflow show --output json`` on a ~10,000-event workflow.

Usage: python bench/bench_fetch.py [--events N] [--rounds N]
Starts a dev server, builds the history by signalling a workflow that no worker runs (the
server records signals without one, so 10,000 events take seconds), then times both side by
side: our fetch (connect, all pages, validation) and the CLI as a subprocess writing the JSON
to a file. Also shows the SDK's ``fetch_history`` for reference. Prints medians and ratios;
asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

from temporalio.client import Client

from replaydbg.history import FetchOptions, fetch_history
from replaydbg.testing import DevServer

WORKFLOW_ID = "bench-fetch"


async def build_history(address: str, events: int) -> None:
    client = await Client.connect(address)
    handle = await client.start_workflow(
        "SignalSink", id=WORKFLOW_ID, task_queue=f"nobody-{uuid.uuid4()}"
    )
    signals = events - 3  # started, first task scheduled, terminated
    for start in range(0, signals, 500):
        batch = range(start, min(signals, start + 500))
        await asyncio.gather(*(handle.signal("ping", n) for n in batch))
    await handle.terminate("benchmark history built")


async def ours(address: str) -> float:
    start = time.perf_counter()
    await fetch_history(FetchOptions(WORKFLOW_ID, address=address))
    return time.perf_counter() - start


async def sdk(address: str) -> float:
    start = time.perf_counter()
    client = await Client.connect(address)
    await client.get_workflow_handle(WORKFLOW_ID).fetch_history()
    return time.perf_counter() - start


def cli(server: DevServer, out: Path) -> float:
    start = time.perf_counter()
    with out.open("wb") as sink:
        subprocess.run(
            [server.cli, "workflow", "show", "--output", "json", "--address", server.address,
             "--workflow-id", WORKFLOW_ID],
            stdout=sink, check=True,
        )
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    with DevServer() as server, tempfile.TemporaryDirectory() as tmp:
        began = time.perf_counter()
        asyncio.run(build_history(server.address, args.events))
        history = asyncio.run(fetch_history(FetchOptions(WORKFLOW_ID, address=server.address)))
        count = len(history.events)
        print(f"{count} events built in {time.perf_counter() - began:.1f}s; {args.rounds} rounds")
        times: dict[str, list[float]] = {"fetch_history": [], "temporal CLI": [], "SDK": []}
        for _ in range(args.rounds):
            times["fetch_history"].append(asyncio.run(ours(server.address)))
            times["temporal CLI"].append(cli(server, Path(tmp) / "cli.json"))
            times["SDK"].append(asyncio.run(sdk(server.address)))
        medians = {name: statistics.median(values) for name, values in times.items()}
        for name, value in medians.items():
            print(f"{name:14} {value * 1000:8.1f} ms")
        ours_median = medians["fetch_history"]
        print(f"ratio fetch_history / temporal CLI: {ours_median / medians['temporal CLI']:.2f}")
        print(f"ratio fetch_history / SDK fetch_history: {ours_median / medians['SDK']:.2f}")


if __name__ == "__main__":
    main()
