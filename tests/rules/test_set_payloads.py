"""RDB201 for sets serialised into activity arguments, also through helpers' return values."""

from __future__ import annotations

from pathlib import Path

from replaydbg.rules import Config, Workspace

from .conftest import Write

FLOW = """\
from dataclasses import dataclass
from datetime import timedelta
from typing import Set
from temporalio import activity, workflow

@dataclass
class Input:
    nodes: Set[str]

@activity.defn
async def check(nodes: object) -> None: ...

@workflow.defn
class Flow:
    def __init__(self) -> None:
        self.nodes: dict[str, int] = {{}}

    def annotated(self) -> Set[str]:
        return set(k for k in self.nodes)

    def literal(self):
        return {{"a", "b"}}

    def numbers(self) -> set[int]:
        return {{1, 2}}

    @workflow.run
    async def run(self) -> None:
        {body}
"""
TIMEOUT = "start_to_close_timeout=timedelta(seconds=1)"


def _lines(write: Write, tmp_path: Path, body: str) -> list[tuple[str, str]]:
    write("flows.py", FLOW.format(body=body))
    found = Workspace(tmp_path, Config()).analyze()[tmp_path / "flows.py"]
    return [(f.code, f.message.split(" is a set")[0]) for f in found]


def test_a_set_returned_by_a_helper_reaching_an_activity(write: Write, tmp_path: Path) -> None:
    body = (f"nodes = self.annotated()\n        await workflow.execute_activity("
            f"check, Input(nodes=nodes), {TIMEOUT})")
    assert _lines(write, tmp_path, body) == [("RDB201", "nodes")]


def test_a_helper_call_passed_directly(write: Write, tmp_path: Path) -> None:
    body = f"await workflow.execute_activity(check, self.literal(), {TIMEOUT})"
    assert _lines(write, tmp_path, body) == [("RDB201", "self.literal")]


def test_sorted_sets_and_int_sets_are_fine(write: Write, tmp_path: Path) -> None:
    body = (f"await workflow.execute_activity(check, sorted(self.annotated()), {TIMEOUT})\n"
            f"        await workflow.execute_activity(check, self.numbers(), {TIMEOUT})")
    assert _lines(write, tmp_path, body) == []
