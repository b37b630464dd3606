"""The Temporal scope's content at a stop: the event, the workflow, the history position."""

from __future__ import annotations

from pathlib import Path

from replaydbg.dap.adapter.temporal_scope import VariableStore, summary, temporal_tree
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


def test_numbers_are_numbers_and_containers_are_summarized_by_their_content() -> None:
    history = load_history(EXAMPLES / "greeting" / "history.json")
    store = VariableStore()
    scope = {v["name"]: v for v in store.variables(store.scope(history, 7, []))}
    event = {v["name"]: v for v in store.variables(scope["event"]["variablesReference"])}
    attributes = {v["name"]: v
                  for v in store.variables(event["attributes"]["variablesReference"])}
    # proto3 JSON writes 64-bit integers as strings: the scope shows the numbers.
    assert (attributes["scheduledEventId"]["value"], attributes["scheduledEventId"]["type"]) \
        == ("5", "int")
    assert event["type"]["value"] == "'ActivityTaskCompleted'"
    result = {v["name"]: v for v in store.variables(attributes["result"]["variablesReference"])}
    assert result["payloads"]["value"].startswith(
        "(1) [{email: 'ada-7@example.com', name: 'Ada', ")
    assert attributes["result"]["value"] == "{payloads: (1) [{…}]}"
    assert scope["workflow"]["value"].startswith("{type: 'GreetingWorkflow', id: 'greeting-ada-7'")
    pending = {v["name"]: v for v in store.variables(scope["pending"]["variablesReference"])}
    assert pending["activities"] == {"name": "activities", "value": "(0) []", "type": "list",
                                     "variablesReference": 0}


def test_summaries_stop_at_their_width_and_depth() -> None:
    assert summary(list(range(100))).startswith("(100) [0, 1, 2, ")
    assert summary(list(range(100))).endswith(", …]") and len(summary(list(range(100)))) <= 86
    assert summary({"a": {"b": {"c": 1}}}) == "{a: {b: {…}}}"
    assert summary({"text": "x" * 100}) == "{text: '" + "x" * 38 + "…}"
    assert (summary({}), summary([]), summary(3), summary(None)) == ("{}", "(0) []", "3", "None")
