"""The event map built during the replay, task by task, against the map built afterwards."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from replaydbg.history import History
from replaydbg.replay import find_workflow
from replaydbg.replay.engine import replay_recorded
from replaydbg.replay.eventmap import EventMapping, EventMapStream, build_event_map
from replaydbg.replay.recorder import Recording
from replaydbg.replay.runtime import NoStops, ReplayContext
from tests.replay.conftest import EXAMPLES
from tests.replay.helpers import load


class _Settler(NoStops):
    """Stop hooks that settle the stream at each activation, as a debugger's mapper does."""

    def __init__(self) -> None:
        self.stream: EventMapStream | None = None
        self.batches: list[tuple[int, list[EventMapping], int | None]] = []
        self.history: History | None = None

    def workflow_code(self, running: bool) -> None:
        if not running:
            return
        recording = ReplayContext.recording
        assert recording is not None and self.history is not None
        if self.stream is None:
            self.stream = EventMapStream(self.history, recording)
        starting = len(recording.activations) - 1
        mapped, through = self.stream.settle()
        self.batches.append((starting, mapped, through))


@pytest.mark.parametrize("history, spec", [
    ("greeting/history.json", "greeting.original_workflows:GreetingWorkflow"),
    ("greeting/history.json", "greeting.workflows:GreetingWorkflow"),  # diverges
    ("orders/history.json", "orders.workflows:OrderWorkflow"),
    ("orders/history_shipping.json", "orders.workflows"),
    ("lifecycle/history.json", "lifecycle"),
    ("lifecycle/history_trial.json", "lifecycle"),
    ("batch/history.json", "batch.workflows:BatchWorkflow"),
])
def test_streamed_mappings_are_final_and_cover_each_activation_before_it_runs(
        history: str, spec: str) -> None:
    loaded = load(EXAMPLES / history)
    cls = find_workflow([spec], loaded.workflow_type).cls
    settler = _Settler()
    settler.history = loaded
    raw = asyncio.run(replay_recorded(loaded, cls, stops=settler))
    after = build_event_map(loaded, raw.recording)
    assert settler.stream is not None
    streamed: dict[int, EventMapping] = {}
    through = -1
    for starting, mapped, covered in settler.batches:
        for mapping in mapped:
            assert mapping.event_id not in streamed, "each event is settled once"
            streamed[mapping.event_id] = mapping
        if covered is not None:
            assert covered < starting, "only closed activations are covered"
            through = covered
        # Every job or command of an activation covered so far is in the batches so far:
        # a debugger plans its next stop from them (a patch marker's job came one late).
        for mapping in after:
            if mapping.activation is not None and mapping.activation <= through \
                    and mapping.role in ("applied", "command") and mapping.position is not None:
                assert mapping.event_id in streamed, (through, mapping)
    # What was streamed is what the whole map says, stop points included.
    for event_id, mapping in streamed.items():
        assert mapping == after[event_id], event_id
    assert through >= 0, "tasks were settled while the replay ran"
    finished = settler.stream.finish()
    assert finished.mappings == after.mappings
    assert finished.divergences == after.divergences
    for divergence in after.divergences:  # never settled early: the report decides
        assert divergence.activation is None or divergence.activation > through


def test_an_empty_recording_settles_nothing() -> None:
    loaded = load(Path(EXAMPLES / "greeting/history.json"))
    assert EventMapStream(loaded, Recording()).settle() == ([], None)
