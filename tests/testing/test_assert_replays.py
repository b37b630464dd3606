"""``assert_replays`` on the recorded example histories, in every form a test holds one."""

from __future__ import annotations

import json
import sys
import warnings
from pathlib import Path

import pytest
from temporalio.client import WorkflowHistory
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner, SandboxRestrictions

from replaydbg.errors import HistoryFileError, WorkerSetupError, WorkflowDiscoveryError
from replaydbg.testing import ReplayFailed, ReplayWarning, assert_replays
from tests.replay.conftest import CHANGED, EXAMPLES, marker_lines
from tests.support.clocked_project import make_project

ORDERS = EXAMPLES / "orders" / "history.json"
GREETING = EXAMPLES / "greeting" / "history.json"


@pytest.fixture(autouse=True)
def _examples_on_path(monkeypatch: pytest.MonkeyPatch) -> None:
    # The sandbox re-imports workflow modules by name: their packages must be importable.
    monkeypatch.syspath_prepend(str(EXAMPLES))
    monkeypatch.syspath_prepend(str(CHANGED))


def _order_workflow() -> type:
    from orders.workflows import OrderWorkflow

    return OrderWorkflow


def test_a_path_replays_and_returns_the_report() -> None:
    report = assert_replays(ORDERS, _order_workflow())
    assert report.ok and len(report.history.events) == 64
    assert report.history.source == str(ORDERS)


def test_a_json_string_and_a_dict_replay() -> None:
    text = ORDERS.read_text()
    assert assert_replays(text, _order_workflow()).history.workflow_id == "order-1001"
    assert assert_replays(json.loads(text), _order_workflow()).ok


def test_a_workflow_history_as_the_temporal_docs_load_it_replays() -> None:
    history = WorkflowHistory.from_json("order-1001", ORDERS.read_text())
    report = assert_replays(history, _order_workflow())
    assert report.ok and report.history.source == "WorkflowHistory order-1001"


def test_a_divergence_fails_naming_the_line_and_the_event_against_the_command() -> None:
    from greeting.workflows import GreetingWorkflow

    source = EXAMPLES / "greeting" / "workflows.py"
    line = marker_lines(source)["divergence"]
    with pytest.raises(AssertionError) as caught:
        assert_replays(GREETING, GreetingWorkflow)
    text = str(caught.value)
    assert text.startswith(f"NONDETERMINISM  {GREETING}")
    assert "history event 22 is ActivityTaskScheduled(send_email)" in text
    assert f"workflows.py:{line} (run) issued activity send_sms" in text
    assert "[TMPRL1100]" in text  # what Temporal itself says comes last
    assert isinstance(caught.value, ReplayFailed)
    assert caught.value.report.divergence is not None
    assert caught.value.report.divergence.event_id == 22


@pytest.mark.asyncio
async def test_it_works_inside_a_running_event_loop() -> None:
    # Temporal's docs write replay tests as async tests: asyncio.run cannot run there.
    with pytest.raises(ReplayFailed, match="send_sms"):
        from greeting.workflows import GreetingWorkflow

        assert_replays(GREETING.read_text(), GreetingWorkflow)
    assert assert_replays(ORDERS, _order_workflow()).ok


def test_changes_temporal_does_not_check_pass_with_warnings() -> None:
    from quiet_changes import GreetingWorkflow

    line = marker_lines(CHANGED / "quiet_changes.py")["delay"]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        report = assert_replays(GREETING, GreetingWorkflow)
    assert report.ok and len(report.warnings) == 2
    replay_warnings = [w for w in caught if issubclass(w.category, ReplayWarning)]
    assert len(replay_warnings) == 2
    assert any(f"quiet_changes.py:{line}" in str(w.message) for w in replay_warnings)
    assert replay_warnings[0].filename == __file__  # points at the test that asserted


def test_the_worker_setup_is_the_replayers_own() -> None:
    # examples/secure's history is encrypted: without the worker's plugin it cannot replay.
    from secure.plugin import plugin
    from secure.workflows import PayrollWorkflow

    history = EXAMPLES / "secure" / "history.json"
    assert assert_replays(history, PayrollWorkflow, plugins=[plugin]).ok
    with pytest.raises(ReplayFailed, match="Failed decoding arguments"):
        assert_replays(history, PayrollWorkflow)


def test_a_runner_is_given_as_a_replayer_takes_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # clocked.py imports a library that reads the clock at import: only a sandbox that
    # passes it through loads the workflow (see tests/support/clocked_project.py).
    project = make_project(tmp_path)
    monkeypatch.syspath_prepend(str(project))
    before = set(sys.modules)
    try:
        from clocked import GreetingWorkflow
    finally:  # forget the tmp project's modules: another test may build its own
        for name in set(sys.modules) - before:
            del sys.modules[name]

    history = project / "histories" / "greeting.json"
    with pytest.raises(WorkerSetupError, match="RestrictedWorkflowAccessError"):
        assert_replays(history, GreetingWorkflow)
    runner = SandboxedWorkflowRunner(
        restrictions=SandboxRestrictions.default.with_passthrough_modules("clocklib"))
    assert assert_replays(history, GreetingWorkflow, workflow_runner=runner).ok


def test_unusable_input_is_the_named_input_error(tmp_path: Path) -> None:
    with pytest.raises(HistoryFileError, match="missing.json does not exist"):
        assert_replays(tmp_path / "missing.json", _order_workflow())
    with pytest.raises(WorkflowDiscoveryError, match="history is of type 'GreetingWorkflow'"):
        assert_replays(GREETING, _order_workflow())
    with pytest.raises(WorkflowDiscoveryError, match="not a @workflow.defn class"):
        assert_replays(GREETING, dict)


def test_importing_the_package_stays_light() -> None:
    import subprocess

    code = ("import sys, replaydbg.testing; "
            "print(sorted(m for m in sys.modules if m.startswith('temporalio')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "[]"
