from __future__ import annotations

import asyncio
from pathlib import Path

from temporalio.client import WorkflowHistory

from replaydbg.history import History
from replaydbg.replay import ReplayReport, find_workflow, replay_history
from replaydbg.replay.setup import WorkerSetup


def load(path: Path) -> History:
    """Load with the SDK's own loader, so replay tests do not depend on ours."""
    events = WorkflowHistory.from_json(path.stem, path.read_text()).events
    return History(path.stem, events, str(path))


def replay(path: Path, spec: str, *, sandbox: bool = True) -> ReplayReport:
    history = load(path)
    cls = find_workflow([spec], history.workflow_type).cls
    return asyncio.run(replay_history(history, cls, setup=WorkerSetup(sandbox=sandbox)))
