"""The bundled histories replay as documented, and the `# @marker` comments sit where frames are.

- every example history replays cleanly against its current code, sandbox on;
- `examples/greeting/history.json` replays against `original_workflows.py` but fails with a
  non-determinism error against today's `workflows.py` and against each variant here;
- each line a workflow frame reports when it issues a command carries a marker.

`tests/replay/conftest.py` puts `examples/` and this folder on sys.path: the sandbox re-imports
workflow modules by name.
"""

from __future__ import annotations

import asyncio
import importlib
import json
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from types import FrameType, ModuleType
from typing import Any

import pytest
from temporalio.client import WorkflowHistory
from temporalio.worker import Replayer
from temporalio.worker._workflow_instance import _WorkflowInstanceImpl
from temporalio.workflow import NondeterminismError

HERE = Path(__file__).resolve().parent
EXAMPLES = HERE.parents[2] / "examples"
GREETING_HISTORY = EXAMPLES / "greeting" / "history.json"
CommandLines = list[tuple[str, int]]
MARKER = re.compile(r"#\s*@([\w-]+)\s*$")

# history file -> (module, workflow classes) that must replay it cleanly
CLEAN = {
    "orders/history.json": ("orders.workflows", ["OrderWorkflow", "ShippingWorkflow"]),
    "orders/history_shipping.json": ("orders.workflows", ["ShippingWorkflow"]),
    "batch/history.json": ("batch.workflows", ["BatchWorkflow"]),
    "greeting/history.json": ("greeting.original_workflows", ["GreetingWorkflow"]),
    "lifecycle/history.json": ("lifecycle.workflows", ["SubscriptionWorkflow"]),
    "lifecycle/history_run2.json": ("lifecycle.workflows", ["SubscriptionWorkflow"]),
    "lifecycle/history_trial.json": ("lifecycle.workflows", ["TrialWorkflow"]),
}
# modules whose GreetingWorkflow must NOT replay greeting/history.json
DIVERGENT = [
    "greeting.workflows", "extra_timer", "removed_activity", "swapped_activity", "reordered",
]


def markers(path: Path) -> dict[str, int]:
    """Marker name -> line number; fails on a duplicate name."""
    found: dict[str, int] = {}
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        match = MARKER.search(line)
        if match:
            assert match[1] not in found, f"{path.name}: marker @{match[1]} used twice"
            found[match[1]] = number
    return found


def load(relative: str | Path) -> WorkflowHistory:
    path = EXAMPLES / relative
    return WorkflowHistory.from_json(path.stem, json.loads(path.read_text()))


def replay(module: ModuleType, classes: list[str], history: WorkflowHistory) -> None:
    replayer = Replayer(workflows=[getattr(module, c) for c in classes], debug_mode=True)
    asyncio.run(replayer.replay_workflow(history))


def user_frame(files: set[str]) -> FrameType | None:
    frame: FrameType | None = sys._getframe(2)
    while frame is not None and frame.f_code.co_filename not in files:
        frame = frame.f_back
    return frame


@pytest.fixture
def command_lines(monkeypatch: pytest.MonkeyPatch) -> Iterator[CommandLines]:
    """(file, line) of the workflow frame on the stack for each command the SDK adds."""
    seen: CommandLines = []
    files = {str(p) for p in [*EXAMPLES.glob("*/*.py"), *HERE.glob("*.py")] if p != Path(__file__)}
    original = _WorkflowInstanceImpl._add_command

    def spy(self: _WorkflowInstanceImpl, *args: Any, **kwargs: Any) -> Any:
        frame = user_frame(files)
        if frame is not None:
            seen.append((frame.f_code.co_filename, frame.f_lineno))
        return original(self, *args, **kwargs)

    monkeypatch.setattr(_WorkflowInstanceImpl, "_add_command", spy)
    yield seen


@pytest.mark.parametrize("relative", sorted(CLEAN))
def test_example_history_replays_cleanly(relative: str, command_lines: CommandLines) -> None:
    module_name, classes = CLEAN[relative]
    module = importlib.import_module(module_name)
    replay(module, classes, load(relative))
    assert command_lines, "no command was traced to a workflow file"
    for file, line in command_lines:
        assert line in markers(Path(file)).values(), f"{file}:{line} issues a command unmarked"


@pytest.mark.parametrize("module_name", DIVERGENT)
def test_changed_greeting_fails_replay(module_name: str, command_lines: CommandLines) -> None:
    module = importlib.import_module(module_name)
    with pytest.raises(NondeterminismError, match=r"TMPRL1100"):
        replay(module, ["GreetingWorkflow"], load("greeting/history.json"))
    found = markers(Path(module.__file__ or ""))
    expected = found.get("divergence", found.get("last"))
    assert expected is not None, "each changed workflow marks @divergence or @last"
    # The last command the code issued comes from the marked line, except when the code ran
    # out of commands (`@last`): then its last command came from that line.
    assert command_lines[-1][1] == expected


def test_history_files_are_cli_json() -> None:
    for path in EXAMPLES.glob("*/history*.json"):
        events = json.loads(path.read_text())["events"]
        assert events[0]["eventType"] == "EVENT_TYPE_WORKFLOW_EXECUTION_STARTED", path
        assert isinstance(events[0]["eventId"], str), path
