"""Methods of objects handed to a library that calls them back from the workflow."""

from __future__ import annotations

from pathlib import Path

from replaydbg.rules import Config, Workspace

from .conftest import Write

FLOW = """\
from dataclasses import dataclass
from temporalio import workflow
from agentlib import Runner, RunHooks

class Hooks(RunHooks):
    async def on_start(self) -> None:
        print("started")

@dataclass
class Data:
    def describe(self) -> None:
        print("data")

@workflow.defn
class Flow:
    @workflow.run
    async def run(self) -> None:
        {body}
"""


def _chains(write: Write, tmp_path: Path, body: str) -> list[str]:
    write("flows.py", FLOW.format(body=body))
    found = Workspace(tmp_path, Config()).analyze()[tmp_path / "flows.py"]
    return [f"{f.code} {f.message.split('reached from ')[-1]}" for f in found]


def test_hooks_passed_to_a_library_are_workflow_code(write: Write, tmp_path: Path) -> None:
    expected = ["RDB210 Flow.run → Hooks.on_start → print)"]
    assert _chains(write, tmp_path, "hooks = Hooks()\n        await Runner.run(hooks=hooks)") \
        == expected
    assert _chains(write, tmp_path, "await Runner.run(Hooks())") == expected


def test_plain_objects_and_objects_kept_to_oneself_are_not(write: Write, tmp_path: Path) -> None:
    assert _chains(write, tmp_path, "await Runner.run(Data())") == []
    assert _chains(write, tmp_path, "hooks = Hooks()\n        len([hooks])") == []
    assert _chains(write, tmp_path, "hooks = Hooks()") == []
