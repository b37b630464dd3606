"""``temporal/history`` as a history view asks for it: early, and from a launch that fails;
and how the end of a replay is told (Debug Console and history views)."""

from __future__ import annotations

import sys
from pathlib import Path

from tests.support.dap_client import adapter_session, wait_for

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_a_history_request_sent_with_the_launch_waits_for_the_map_with_progress() -> None:
    with adapter_session(supportsProgressReporting=True) as adapter:
        adapter.send(3, "launch", historyFile="orders/history.json", cwd=str(EXAMPLES),
                     python=sys.executable, workflow="orders")
        adapter.send(4, "temporal/history")  # before the history is even loaded
        wait_for(adapter, lambda m: m.get("event") == "initialized")
        adapter.request(5, "configurationDone")
        history = adapter.response(4, timeout=60)
        assert history["success"], history
        assert history["body"]["workflowType"] == "OrderWorkflow"
        assert len(history["body"]["events"]) == 64
        # The launch's progress says how far the map has come, and ends before the answer.
        answered = adapter.messages.index(history)
        progress = [m["event"] for m in adapter.messages[:answered]
                    if m.get("event", "").startswith("progress")]
        assert progress[0] == "progressStart" and progress[-1] == "progressEnd", progress


def test_a_failed_launch_is_the_one_error_shown_and_a_history_request_fails_quietly() -> None:
    with adapter_session(supportsProgressReporting=True) as adapter:
        # Two classes in examples/greeting have the history's workflow type.
        adapter.send(2, "launch", historyFile="greeting/history.json", cwd=str(EXAMPLES),
                     python=sys.executable)
        adapter.send(3, "temporal/history")
        launch = adapter.response(2, timeout=60)
        assert not launch["success"]
        assert launch["message"].startswith("several workflows have type 'GreetingWorkflow'")
        assert launch["body"]["error"]["showUser"]
        history = adapter.response(3, timeout=30)
        assert not history["success"]
        assert "the launch's error says why" in history["message"]
        assert "body" not in history, "VS Code shows an error whose body.error has showUser"
        terminated = wait_for(adapter, lambda m: m.get("event") == "terminated")
        # Ended before `terminated`: VS Code would show a progress ended later for ever.
        assert any(m.get("event") == "progressEnd"
                   for m in adapter.messages[:adapter.messages.index(terminated)])
        shown = [m for m in adapter.messages if m.get("type") == "response"
                 and (m.get("body") or {}).get("error", {}).get("showUser")]
        assert [m["command"] for m in shown] == ["launch"]


def test_a_history_request_before_any_launch_says_to_launch() -> None:
    with adapter_session() as adapter:
        history = adapter.request(2, "temporal/history")
        assert not history["success"] and "launch first" in history["message"]


def test_the_end_of_a_replay_says_how_it_ended() -> None:
    with adapter_session() as adapter:
        adapter.send(2, "launch", historyFile="orders/history.json", cwd=str(EXAMPLES),
                     python=sys.executable, workflow="orders")
        wait_for(adapter, lambda m: m.get("event") == "initialized")
        adapter.request(3, "configurationDone")
        ended = wait_for(adapter, lambda m: m.get("event") == "temporal/replayEnded")
        assert ended["body"] == {"status": "ok", "summary": "Replay finished: 64 events "
                                 "replayed deterministically"}
        said = [m["body"] for m in adapter.messages if m.get("event") == "output"
                and "Replay finished" in m["body"]["output"]]
        assert said == [{"category": "console",
                         "output": "Replay finished: 64 events replayed deterministically\n"}]
        wait_for(adapter, lambda m: m.get("event") == "terminated")
