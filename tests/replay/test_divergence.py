"""Non-determinism located at the exact line, for four kinds of change to the greeting."""

from __future__ import annotations

import pytest

from tests.replay.conftest import CHANGED, EXAMPLES, marker_lines
from tests.replay.helpers import replay

HISTORY = EXAMPLES / "greeting" / "history.json"


@pytest.mark.parametrize(
    ("module", "kind", "event_id", "event"),
    [
        ("extra_timer", "mismatch", 11, "ActivityTaskScheduled(compose_greeting)"),
        ("swapped_activity", "mismatch", 11, "ActivityTaskScheduled(compose_greeting)"),
        ("reordered", "mismatch", 22, "ActivityTaskScheduled(send_email)"),
        ("removed_activity", "missing-command", 28, "ActivityTaskScheduled(record_delivery)"),
    ],
)
@pytest.mark.parametrize("sandbox", [True, False], ids=["sandbox", "no-sandbox"])
def test_divergence_is_located_at_the_line(
    module: str, kind: str, event_id: int, event: str, sandbox: bool
) -> None:
    report = replay(HISTORY, f"{module}:GreetingWorkflow", sandbox=sandbox)
    assert report.status == "nondeterminism"
    assert report.error and "TMPRL1100" in report.error
    divergence = report.divergence
    assert divergence is not None
    assert (divergence.kind, divergence.event_id, divergence.event) == (kind, event_id, event)
    markers = marker_lines(CHANGED / f"{module}.py")
    expected = markers["last"] if kind == "missing-command" else markers["divergence"]
    assert divergence.line is not None
    assert divergence.line.file == str(CHANGED / f"{module}.py")
    assert divergence.line.line == expected
    assert str(event_id) in divergence.message


def test_message_names_event_and_command() -> None:
    report = replay(HISTORY, "swapped_activity:GreetingWorkflow")
    assert report.divergence is not None
    message = report.divergence.message
    assert "history event 11 is ActivityTaskScheduled(compose_greeting)" in message
    assert "issued activity render_template" in message


def test_bundled_changed_example_diverges_at_its_marker() -> None:
    report = replay(HISTORY, "greeting.workflows:GreetingWorkflow")
    assert report.status == "nondeterminism" and report.divergence is not None
    line = report.divergence.line
    assert line is not None
    assert line.line == marker_lines(EXAMPLES / "greeting" / "workflows.py")["divergence"]


def test_original_code_replays_cleanly() -> None:
    report = replay(HISTORY, "greeting.original_workflows:GreetingWorkflow")
    assert report.ok, report.error
    assert report.divergence is None and report.warnings == []


def test_changes_temporal_does_not_check_are_warned_about() -> None:
    report = replay(HISTORY, "quiet_changes:GreetingWorkflow")
    assert report.ok, "Temporal replays these changes without complaint"
    fetch = marker_lines(CHANGED / "quiet_changes.py")["fetch"]
    assert any(w.startswith("event 5 ActivityTaskScheduled: arguments of activity fetch_profile")
               and f"quiet_changes.py:{fetch}" in w for w in report.warnings), report.warnings
    assert any(w.startswith("event 17 TimerStarted: timer duration is 0:00:01 in history but "
                            "0:00:03 in the code") for w in report.warnings), report.warnings
    assert len(report.warnings) == 2


def test_exception_in_workflow_code_is_reported_at_the_raising_line() -> None:
    report = replay(HISTORY, "raises:GreetingWorkflow")
    assert report.status == "failed"
    divergence = report.divergence
    assert divergence is not None and divergence.kind == "task-failure"
    assert divergence.line is not None
    assert divergence.line.line == marker_lines(CHANGED / "raises.py")["raise"]
    assert "'display_name'" in divergence.message
