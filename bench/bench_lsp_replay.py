"""Replay-backed diagnostics of ``replaydbg lsp``: save → diagnostics, and answers meanwhile.

Usage: python bench/bench_lsp_replay.py   (BENCH_RUNS saves per figure, default 10)

Starts the real server under a pygls client on a temporary workspace: the greeting example
with ``BENCH_HISTORIES`` (default 20) of its runs recorded from a real dev server (cached in
bench/.cache/, see bench_shadow.py) as the project's saved histories. Times, from the client:

- save: ``didSave`` of the workflow module, alternately an incompatible edit (an activity
  swapped: one RDB901 diagnostic) and the recorded code (none) → the run's diagnostics
  published (the server's ``replaydbg/historiesReplayed`` notification follows them at once);
  goal <= 1.0 s for 20 histories; the same for 20 saved orders histories (64 events each,
  copies of the one recorded in examples/orders: the goal's "~60 events");
- big: the same for the 10,548-event batch example; goal <= 3 s;
- the SDK's floor for the big one: a plain ``Replayer`` in a fresh process on the same history,
  parsing and replay timed apart (the server parses ahead of the save; the replay it cannot);
- answers: ``textDocument/hover`` round trips while idle and while a replay runs (a save sent
  just before); goal: busy <= 1.2x idle (medians, side by side in one run).

Prints medians and ratios; asserts nothing about time.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.lsp.client import LanguageClient

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
sys.path[:0] = [str(ROOT / "bench")]
os.environ.setdefault("BENCH_HISTORIES", "20")

import bench_shadow  # noqa: E402  (records the greeting histories once)

SERVER = [sys.executable, "-m", "replaydbg", "lsp", "--stdio"]
REPLAYED = "replaydbg/historiesReplayed"
RUNS = int(os.environ.get("BENCH_RUNS", "10"))
PYPROJECT = '[tool.replaydbg]\nworkflows = ["{spec}"]\nhistories = ["histories"]\n'


class Client:
    """The pygls client with the server's replay notifications as an awaitable stream."""

    def __init__(self) -> None:
        self.lsp = LanguageClient("bench", "1")
        self.runs: asyncio.Queue[Any] = asyncio.Queue()
        self.lsp.feature(REPLAYED)(lambda params: self.runs.put_nowait(params))
        self.lsp.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)(lambda params: None)
        self.lsp.feature(types.WORKSPACE_CODE_LENS_REFRESH)(lambda params: None)

    async def start(self, root: Path) -> None:
        await self.lsp.start_io(*SERVER)
        await self.lsp.initialize_async(types.InitializeParams(
            capabilities=types.ClientCapabilities(), root_uri=root.as_uri(),
            workspace_folders=[types.WorkspaceFolder(uri=root.as_uri(), name=root.name)]))
        self.lsp.initialized(types.InitializedParams())

    async def stop(self) -> None:
        await self.lsp.shutdown_async(None)
        self.lsp.exit(None)
        await self.lsp.stop()

    def save(self, path: Path, text: str) -> None:
        path.write_text(text)
        self.lsp.text_document_did_save(types.DidSaveTextDocumentParams(
            text_document=types.TextDocumentIdentifier(uri=path.as_uri())))

    async def replayed(self) -> Any:
        return await asyncio.wait_for(self.runs.get(), 120)

    async def hover(self, path: Path) -> float:
        started = time.perf_counter()
        await self.lsp.text_document_hover_async(types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=path.as_uri()),
            position=types.Position(line=0, character=0)))
        return time.perf_counter() - started


def greeting_workspace(base: Path, recorded: list[Path]) -> tuple[Path, str, str]:
    """The greeting project with the recorded histories; the module, its two versions."""
    root = base / "greeting-project"
    shutil.copytree(EXAMPLES / "greeting", root / "greeting",
                    ignore=shutil.ignore_patterns("__pycache__", "*.json"))
    original = (EXAMPLES / "greeting" / "original_workflows.py").read_text()
    (root / "greeting" / "workflows.py").write_text(original)
    (root / "histories").mkdir()
    for f in recorded:
        shutil.copy(f, root / "histories" / f.name)
    (root / "pyproject.toml").write_text(PYPROJECT.format(spec="greeting.workflows"))
    swapped = original.replace("send_email", "send_sms").replace("profile.email", "profile.phone")
    return root, original, swapped


SDK_REPLAY = """
import asyncio, sys, time
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from temporalio.client import WorkflowHistory
from temporalio.worker import Replayer
from batch.workflows import BatchWorkflow
started = time.perf_counter()
history = WorkflowHistory.from_json("batch", Path(sys.argv[2]).read_text())
parsed = time.perf_counter()
asyncio.run(Replayer(workflows=[BatchWorkflow]).replay_workflow(history))
print(parsed - started, time.perf_counter() - parsed)
"""


def sdk_floor() -> tuple[float, float]:
    """Seconds a plain ``Replayer`` takes to parse and to replay the batch history."""
    import subprocess
    out = subprocess.run([sys.executable, "-c", SDK_REPLAY, str(EXAMPLES),
                          str(EXAMPLES / "batch" / "history.json")],
                         capture_output=True, text=True, check=True).stdout.split()
    return float(out[0]), float(out[1])


def orders_workspace(base: Path, copies: int) -> tuple[Path, str]:
    """The orders example with ``copies`` of its recorded 64-event history as saved ones."""
    root = base / "orders-project"
    shutil.copytree(EXAMPLES / "orders", root / "orders",
                    ignore=shutil.ignore_patterns("__pycache__", "*.json"))
    (root / "histories").mkdir()
    for n in range(copies):
        shutil.copy(EXAMPLES / "orders" / "history.json", root / "histories" / f"orders-{n}.json")
    (root / "pyproject.toml").write_text(PYPROJECT.format(spec="orders.workflows"))
    return root, (root / "orders" / "workflows.py").read_text()


def batch_workspace(base: Path) -> tuple[Path, str]:
    root = base / "batch-project"
    shutil.copytree(EXAMPLES / "batch", root / "batch",
                    ignore=shutil.ignore_patterns("__pycache__", "*.json"))
    (root / "histories").mkdir()
    shutil.copy(EXAMPLES / "batch" / "history.json", root / "histories" / "batch.json")
    (root / "pyproject.toml").write_text(PYPROJECT.format(spec="batch.workflows"))
    return root, (root / "batch" / "workflows.py").read_text()


async def saves(client: Client, module: Path, texts: list[str]) -> list[float]:
    """Seconds from each save to its run's diagnostics, the texts saved in turn."""
    seconds = []
    for n in range(RUNS):
        started = time.perf_counter()
        client.save(module, texts[n % len(texts)])
        run = await client.replayed()
        seconds.append(time.perf_counter() - started)
        if run.error:
            raise SystemExit(f"the replay failed: {run.error}")
    return seconds


async def answers(client: Client, module: Path, texts: list[str]) -> tuple[list[float],
                                                                            list[float]]:
    """Hover round trips idle, and while a run is under way (sent right after a save)."""
    idle, busy = [], []
    for n in range(RUNS):
        for _ in range(5):
            idle.append(await client.hover(module))
        client.save(module, texts[n % len(texts)])
        for _ in range(5):
            busy.append(await client.hover(module))
        await client.replayed()
    return idle, busy


async def main(recorded: list[Path]) -> None:
    with tempfile.TemporaryDirectory(prefix="replaydbg-bench-") as tmp:
        root, original, swapped = greeting_workspace(Path(tmp), recorded)
        module = root / "greeting" / "workflows.py"
        client = Client()
        await client.start(root)
        first = await client.replayed()
        print(f"greeting: {first.histories} saved histories, first run "
              f"{first.seconds * 1000:.0f} ms in the server")
        save = await saves(client, module, [swapped, original])
        idle, busy = await answers(client, module, [swapped, original])
        await client.stop()

        orders_root, orders_text = orders_workspace(Path(tmp), len(recorded))
        client = Client()
        await client.start(orders_root)
        orders_first = await client.replayed()
        orders = await saves(client, orders_root / "orders" / "workflows.py",
                             [orders_text + "\n# edited\n", orders_text])
        await client.stop()

        big_root, text = batch_workspace(Path(tmp))
        big_module = big_root / "batch" / "workflows.py"
        client = Client()
        await client.start(big_root)
        await client.replayed()
        big = await saves(client, big_module, [text + "\n# edited\n", text])
        await client.stop()
    floors = [sdk_floor() for _ in range(3)]

    def med(values: list[float]) -> float:
        return statistics.median(values) * 1000

    print(f"save -> diagnostics, {first.histories} greeting histories: median {med(save):.0f} ms,"
          f" max {max(save) * 1000:.0f} ms ({RUNS} saves; goal <= 1000 ms)")
    print(f"save -> diagnostics, {orders_first.histories} orders histories of 64 events: "
          f"median {med(orders):.0f} ms, max {max(orders) * 1000:.0f} ms ({RUNS} saves; "
          "goal <= 1000 ms)")
    print(f"save -> diagnostics, 10,548-event batch history: median {med(big):.0f} ms, "
          f"max {max(big) * 1000:.0f} ms ({RUNS} saves; goal <= 3000 ms)")
    parse = statistics.median(f[0] for f in floors) * 1000
    replay = statistics.median(f[1] for f in floors) * 1000
    print(f"  plain Replayer on the same history, fresh process: parse {parse:.0f} ms + replay "
          f"{replay:.0f} ms (median of {len(floors)}); the server's save -> diagnostics is "
          f"{med(big) / replay:.2f}x the SDK's replay alone")
    print(f"hover while idle: median {med(idle):.2f} ms; during a replay: median "
          f"{med(busy):.2f} ms; ratio {med(busy) / med(idle):.2f}x ({len(idle)} each; "
          "goal <= 1.2x)")


if __name__ == "__main__":
    asyncio.run(main(bench_shadow.record()))
