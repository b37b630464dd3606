"""The Python SDK's own replayer-test histories, replayed through replaydbg's engine.

Each test expects what the SDK's test expects of the same history (peer/README.md): a clean
replay, the asyncio scheduling order the original run observed, or the non-determinism the
history was saved to show, located at the workflow line that causes it.
"""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import pytest
from temporalio.converter import DataConverter
from temporalio.worker._workflow_instance import _WorkflowLogicFlag

from replaydbg.history import History, load_history
from replaydbg.replay import ReplayReport, find_workflow
from replaydbg.replay.engine import RawReplay, replay_recorded
from replaydbg.replay.report import explain
from tests.replay.conftest import marker_lines

PEER = Path(__file__).resolve().parent / "peer"
WORKFLOWS = PEER / "workflows.py"
#: The SDK's flag for processing all jobs of an activation as one batch (_WorkflowLogicFlag).
SINGLE_BATCH_FLAG = 2


def _replay(history: History) -> tuple[ReplayReport, RawReplay]:
    cls = find_workflow([str(WORKFLOWS)], history.workflow_type).cls
    raw = asyncio.run(replay_recorded(history, cls))
    return explain(raw, history, cls.__qualname__), raw


def _replay_file(name: str) -> tuple[ReplayReport, RawReplay]:
    return _replay(load_history(PEER / name))


def _workflow_result(raw: RawReplay) -> object:
    """What the replayed ``run`` returned, decoded from its completion command."""
    for activation in raw.recording.activations:
        for record in activation.commands:
            if record.variant == "complete_workflow_execution":
                payload = record.command.complete_workflow_execution.result
                return DataConverter.default.payload_converter.from_payload(payload)
    raise AssertionError("the replay never completed the workflow")


def _uses_flag(history: History, flag: int) -> bool:
    return any(flag in event.workflow_task_completed_event_attributes.sdk_metadata.lang_used_flags
               for event in history.events
               if event.HasField("workflow_task_completed_event_attributes"))


@pytest.mark.parametrize("name", ["test_replayer_complete_history.json",
                                  "test_replayer_command_reordering_backward_compatibility.json"])
def test_replays_cleanly(name: str) -> None:
    report, _ = _replay_file(name)
    assert report.status == "ok", report.error


def test_update_finishing_after_run_is_replayed_with_the_old_command_order() -> None:
    # The history predates the SDK's reordering of update completions: core keeps the old
    # order for it (no flag), and the replay succeeds with the update's result dropped.
    report, raw = _replay_file("test_replayer_command_reordering_backward_compatibility.json")
    assert report.status == "ok"
    assert _workflow_result(raw) == "workflow-result"


@pytest.mark.xfail(strict=True, reason="the event map reports the update completion that core "
                   "drops for histories without the reordering flag as a possible divergence")
def test_update_finishing_after_run_raises_no_warning() -> None:
    report, _ = _replay_file("test_replayer_command_reordering_backward_compatibility.json")
    assert report.warnings == []


ORDER_LEGACY = ["sig-before-sync", "sig-before-1", "sig-before-2", "timer-sync", "act-sync",
                "act-1", "act-2", "sig-1-sync", "sig-1-1", "sig-1-2", "update-1-sync",
                "update-1-1", "update-1-2", "timer-1", "timer-2"]
ORDER_SINGLE_BATCH = ["sig-before-sync", "sig-before-1", "timer-sync", "act-sync",
                      "sig-before-2", "act-1", "act-2", "sig-1-sync", "sig-1-1", "sig-1-2",
                      "update-1-sync", "update-1-1", "update-1-2", "timer-1", "timer-2"]
ORDER_DOUBLE_SIGNAL_LEGACY = ["sig-before-sync", "sig-before-1", "sig-1-sync", "sig-1-1",
                              "sig-before-2", "sig-1-2", "timer-sync", "act-sync",
                              "update-1-sync", "update-1-1", "update-1-2", "act-1", "act-2",
                              "timer-1", "timer-2"]
ORDER_DOUBLE_SIGNAL_SINGLE_BATCH = ["sig-before-sync", "sig-before-1", "sig-1-sync", "sig-1-1",
                                    "timer-sync", "act-sync", "sig-before-2", "sig-1-2",
                                    "act-1", "act-2", "update-1-sync", "update-1-1",
                                    "update-1-2", "timer-1", "timer-2"]


#: Whether the installed temporalio knows the single-batch flag (1.30 and later do).
SDK_KNOWS_SINGLE_BATCH = SINGLE_BATCH_FLAG in {int(flag) for flag in _WorkflowLogicFlag}


@pytest.mark.parametrize(("name", "single_batch", "order"), [
    ("test_replayer_event_tracing.json", False, ORDER_LEGACY),
    ("test_replayer_event_tracing_single_batch.json", True, ORDER_SINGLE_BATCH),
    ("test_replayer_event_tracing_double_sig_at_start.json", False, ORDER_DOUBLE_SIGNAL_LEGACY),
    ("test_replayer_event_tracing_double_sig_at_start_single_batch.json", True,
     ORDER_DOUBLE_SIGNAL_SINGLE_BATCH),
])
def test_handlers_run_in_the_order_the_original_run_saw(name: str, single_batch: bool,
                                                        order: list[str]) -> None:
    if single_batch and not SDK_KNOWS_SINGLE_BATCH:
        pytest.skip("the installed temporalio predates the single-batch flag: "
                    "see test_an_sdk_older_than_the_history_is_named")
    history = load_history(PEER / name)
    assert _uses_flag(history, SINGLE_BATCH_FLAG) is single_batch
    report, raw = _replay(history)
    assert report.status == "ok", report.error
    assert _workflow_result(raw) == order
    assert not any("workflow logic flag" in warning for warning in report.warnings)


@pytest.mark.parametrize(("name", "original_order"), [
    ("test_replayer_event_tracing_single_batch.json", ORDER_SINGLE_BATCH),
    ("test_replayer_event_tracing_double_sig_at_start_single_batch.json",
     ORDER_DOUBLE_SIGNAL_SINGLE_BATCH),
])
def test_an_sdk_older_than_the_history_is_named(name: str, original_order: list[str]) -> None:
    # A temporalio without the flag replays the old order without any error: the report must
    # say that this replay is not the run the worker did, and how to get that run.
    report, raw = _replay_file(name)
    assert report.status == "ok", report.error
    flagged = [warning for warning in report.warnings if "workflow logic flag" in warning]
    if SDK_KNOWS_SINGLE_BATCH:
        assert flagged == []
        return
    assert _workflow_result(raw) != original_order  # why the warning matters
    assert len(flagged) == 1
    assert "recorded by temporalio 1.30.0" in flagged[0]
    assert "flag(s) 2" in flagged[0] and "install temporalio>=1.30.0" in flagged[0]


def test_history_without_the_single_batch_flag_keeps_the_legacy_order() -> None:
    history = load_history(PEER / "test_replayer_event_tracing_alternate.json")
    assert not _uses_flag(history, SINGLE_BATCH_FLAG)
    report, raw = _replay(history)
    assert report.status == "ok", report.error
    assert _workflow_result(raw) == ["act-start", "sig-1", "sig-2", "counter-2", "act-done"]


def test_code_that_only_runs_in_replay_is_located() -> None:
    report, _ = _replay_file("test_replayer_nondeterministic_history.json")
    assert report.status == "nondeterminism"
    assert report.divergence is not None and report.divergence.line is not None
    assert report.divergence.line.file == str(WORKFLOWS)
    assert report.divergence.line.line == marker_lines(WORKFLOWS)["replay-only-timer"]
    assert report.divergence.event_id == 11  # WorkflowExecutionCompleted, where no timer was


def test_activity_cancellation_no_longer_swallowed_is_located() -> None:
    # The original run swallowed the cancellation of an activity that had just completed and
    # scheduled another; with the flag it recorded, replay cancels the workflow instead.
    report, _ = _replay_file("test_replayer_swallowed_activity_cancellation.json")
    assert report.status == "nondeterminism"
    assert report.divergence is not None and report.divergence.line is not None
    assert report.divergence.line.line == marker_lines(WORKFLOWS)["quick-activity"]
    assert report.divergence.event_id == 48
    assert "cancel workflow execution" in (report.divergence.message or "")


def test_activity_cancellation_replays_as_recorded_without_the_flag(tmp_path: Path) -> None:
    # As the SDK's own test does: the same history with its flag removed replays cleanly,
    # which shows the outcome above comes from the flag the history carries.
    text = (PEER / "test_replayer_swallowed_activity_cancellation.json").read_text()
    unflagged, count = re.subn(r'"langUsedFlags": \[\s*1\s*]', "", text)
    assert count > 0
    (tmp_path / "unflagged.json").write_text(unflagged)
    report, _ = _replay(load_history(tmp_path / "unflagged.json"))
    assert report.status == "ok", report.error
