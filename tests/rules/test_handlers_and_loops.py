"""RDB304 and RDB305 on shapes seen in public Temporal samples (reduced, written here)."""

from __future__ import annotations

from pathlib import Path

from replaydbg.rules import Config, Workspace

from .conftest import Write, codes

FLOW = """\
import asyncio
from temporalio import workflow

@workflow.defn
class Flow:
    def __init__(self) -> None:
        self.done = False
        self.queue: asyncio.Queue[str] = asyncio.Queue({maxsize})
        self.items: list[str] = []

    @workflow.run
    async def run(self) -> None:
{run}

    @workflow.signal
    async def add(self, item: str) -> None:
{signal}

    @workflow.signal
    def finish(self) -> None:
        self.done = True

    async def wait_for_handlers(self) -> None:
        await workflow.wait_condition(lambda: workflow.all_handlers_finished())

    async def maybe_continue(self) -> None:
        if workflow.info().is_continue_as_new_suggested():
            workflow.continue_as_new()
"""
WAITS = "await workflow.sleep(1)\nself.items.append(item)"


def _codes(write: Write, tmp_path: Path, run: str, signal: str = WAITS,
           maxsize: str = "") -> list[str]:
    def ind(text: str) -> str:
        return "\n".join("        " + line for line in text.splitlines())

    write("flows.py", FLOW.format(run=ind(run), signal=ind(signal), maxsize=maxsize))
    return codes(Workspace(tmp_path, Config()).analyze())


def test_waiting_in_a_lambda_or_compound_condition_counts(write: Write, tmp_path: Path) -> None:
    assert _codes(write, tmp_path, "await workflow.wait_condition(lambda: self.done)") \
        == ["RDB304"]
    assert _codes(write, tmp_path, "await workflow.wait_condition(\n"
                  "    lambda: self.done and workflow.all_handlers_finished())") == []
    assert _codes(write, tmp_path, "await workflow.wait_condition(\n"
                  "    lambda: workflow.all_handlers_finished() and self.done)") == []


def test_waiting_in_a_helper_run_calls_counts(write: Write, tmp_path: Path) -> None:
    assert _codes(write, tmp_path, "await workflow.wait_condition(lambda: self.done)\n"
                  "await self.wait_for_handlers()") == []


def test_run_that_never_returns_cannot_leave_handlers_behind(write: Write,
                                                            tmp_path: Path) -> None:
    assert _codes(write, tmp_path, "self.done = True\nreturn await asyncio.Future()") == []
    assert _codes(write, tmp_path, "await asyncio.Future()") == []
    assert _codes(write, tmp_path, "await workflow.wait_condition(lambda: False)") == []
    assert _codes(write, tmp_path, "await workflow.wait_condition(lambda: False, timeout=1)") \
        == ["RDB304"]
    assert _codes(write, tmp_path, "while True:\n    await workflow.wait_condition(lambda: "
                  "self.done)\n    self.done = False") == []
    # A loop that can be left does return.
    assert _codes(write, tmp_path, "while True:\n    await workflow.wait_condition(lambda: "
                  "self.done)\n    break") == ["RDB304"]
    # A future awaited only on one branch does not stop the other from returning.
    assert _codes(write, tmp_path, "if self.done:\n    await asyncio.Future()") == ["RDB304"]


def test_handlers_whose_awaits_complete_at_once_are_not_left_behind(write: Write,
                                                                   tmp_path: Path) -> None:
    run = "await workflow.wait_condition(lambda: self.done)"
    put = "await self.queue.put(item)"
    assert _codes(write, tmp_path, run, signal=put) == []
    # A bounded queue's put() waits for room: it may span workflow tasks.
    assert _codes(write, tmp_path, run, signal=put, maxsize="maxsize=1") == ["RDB304"]
    assert _codes(write, tmp_path, run, signal="async with asyncio.Lock():\n    pass") \
        == ["RDB304"]
    assert _codes(write, tmp_path, run, signal="await self.wait_for_handlers()") == ["RDB304"]


def test_wait_condition_alone_issues_no_command(write: Write, tmp_path: Path) -> None:
    signal = "self.items.append(item)"
    assert _codes(write, tmp_path, "while True:\n    await workflow.wait_condition("
                  "lambda: self.done)\n    self.done = False",
                  signal) == []
    assert _codes(write, tmp_path, "while True:\n    await workflow.wait_condition("
                  "lambda: self.done, timeout=5)", signal) == ["RDB305"]


def test_loops_left_by_return_or_break_are_not_endless(write: Write, tmp_path: Path) -> None:
    signal = "self.items.append(item)"
    body = "while True:\n    await workflow.sleep(1)\n    if self.done:\n        {}"
    assert _codes(write, tmp_path, body.format("return"), signal) == []
    assert _codes(write, tmp_path, body.format("break"), signal) == []
    # A break of an inner loop does not leave the outer one.
    assert _codes(write, tmp_path, "while True:\n    await workflow.sleep(1)\n"
                  "    for x in self.items:\n        break", signal) == ["RDB305"]


def test_commands_on_some_iterations_only_are_not_unbounded(write: Write,
                                                            tmp_path: Path) -> None:
    signal = "self.items.append(item)"
    assert _codes(write, tmp_path, "while True:\n    await workflow.wait_condition(lambda: "
                  "self.done)\n    if self.items:\n        await workflow.sleep(1)", signal) == []


def test_continue_as_new_in_a_helper_bounds_the_loop(write: Write, tmp_path: Path) -> None:
    signal = "self.items.append(item)"
    assert _codes(write, tmp_path, "while True:\n    await workflow.sleep(1)\n"
                  "    await self.maybe_continue()", signal) == []
