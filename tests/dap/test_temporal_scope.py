"""The Temporal scope's content at a stop: the event, the workflow, the history position."""

from __future__ import annotations

from pathlib import Path

from replaydbg.dap.adapter.temporal_scope import VariableStore, temporal_tree
from replaydbg.history import load_history

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_history_position_lists_events_done_current_and_to_come_by_task() -> None:
    history = load_history(EXAMPLES / "greeting" / "history.json")
    mappings = [{"eventId": i, "subject": "fetch_profile" if i in (5, 7) else ""}
                for i in range(1, 35)]
    position = temporal_tree(history, 7, mappings)["history"]
    assert (position["eventsDone"], position["currentEvent"], position["eventsToCome"]) == \
        (6, 7, 27)
    assert list(position["done"]) == ["Workflow task 1 · events 1–5"]
    assert position["done"]["Workflow task 1 · events 1–5"][-1] == \
        "#5 ActivityTaskScheduled (fetch_profile)"
    assert position["current"] == {"Workflow task 2 · events 6–11": [
        "#6 ActivityTaskStarted", "→ #7 ActivityTaskCompleted (fetch_profile)",
        "#8 WorkflowTaskScheduled", "#9 WorkflowTaskStarted", "#10 WorkflowTaskCompleted",
        "#11 ActivityTaskScheduled"]}
    assert len(position["toCome"]) == 4
    assert sum(len(events) for events in position["toCome"].values()) == 23


def test_current_event_payloads_are_decoded_and_pending_work_listed() -> None:
    history = load_history(EXAMPLES / "greeting" / "history.json")
    tree = temporal_tree(history, 18, [])
    assert tree["event"]["type"] == "TimerFired"
    assert tree["pending"] == {"activities": [], "timers": [], "childWorkflows": []}
    started = temporal_tree(history, 1, [])
    assert started["workflow"]["type"] == "GreetingWorkflow"
    assert started["workflow"]["input"], "the workflow input is decoded"
    scheduled = temporal_tree(history, 17, [])
    assert scheduled["pending"]["timers"] == ["timer 1 (0:00:01)"]


def test_the_store_builds_the_scope_once_per_stop_and_expands_lazily() -> None:
    history = load_history(EXAMPLES / "greeting" / "history.json")
    store = VariableStore()
    reference = store.scope(history, 7, [])
    assert store.scope(history, 7, []) == reference and store.owns(reference)
    names = {v["name"]: v for v in store.variables(reference)}
    assert set(names) == {"event", "workflow", "history", "pending"}
    position = {v["name"]: v for v in store.variables(names["history"]["variablesReference"])}
    assert position["currentEvent"]["value"] == "7"
    store.clear()
    assert store.variables(reference) == []
