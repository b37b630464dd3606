"""The recorded history is a real one: it replays against the workflows that produced it."""

from __future__ import annotations

import asyncio

from temporalio.worker import Replayer

from replaydbg.history import History
from tests.history.history_workflows import ALL_WORKFLOWS


def test_rich_history_replays_with_its_workflows(rich: History) -> None:
    replayer = Replayer(workflows=ALL_WORKFLOWS)
    result = asyncio.run(
        replayer.replay_workflow(rich.to_workflow_history(), raise_on_replay_failure=False)
    )
    assert result.replay_failure is None
