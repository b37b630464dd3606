from __future__ import annotations

import json
import shutil
from pathlib import Path

from tests.cli.conftest import EXAMPLES, ROOT, run_cli
from tests.replay.conftest import marker_lines

GREETING = "examples/greeting/history.json"


def test_trace_maps_events_to_lines_and_exits_zero() -> None:
    result = run_cli("replay", GREETING, "--workflow", "examples/greeting/original_workflows.py")
    assert result.code == 0, result.err
    send = marker_lines(EXAMPLES / "greeting" / "original_workflows.py")["send"]
    lines = result.out.splitlines()
    assert lines[0].startswith(f"{GREETING}: workflow GreetingWorkflow (id greeting-ada-7")
    scheduled = [line for line in lines if line.split()[:2] == ["22", "ActivityTaskScheduled"]]
    assert scheduled and f"issued at examples/greeting/original_workflows.py:{send} (run)" \
        in scheduled[0]
    assert [line for line in lines if line][-1].startswith(f"OK  {GREETING}: replayed 34 events")


def test_nondeterminism_is_reported_at_the_line_and_exits_one() -> None:
    result = run_cli("replay", GREETING, "--workflow", "examples/greeting/workflows.py")
    assert result.code == 1
    line = marker_lines(EXAMPLES / "greeting" / "workflows.py")["divergence"]
    assert f"NONDETERMINISM  {GREETING}" in result.out
    assert "history event 22 is ActivityTaskScheduled(send_email)" in result.out
    assert f"at examples/greeting/workflows.py:{line} (run)" in result.out
    assert ">>    22  ActivityTaskScheduled" in result.out
    assert "Traceback" not in result.err


def test_json_output_is_the_same_information() -> None:
    result = run_cli("replay", "greeting/history.json", "--workflow",
                     "greeting.original_workflows:GreetingWorkflow", "--json", cwd=EXAMPLES)
    assert result.code == 0, result.err
    document = json.loads(result.out)
    assert document["summary"] == {"histories": 1, "ok": 1, "nondeterminism": 0, "failed": 0,
                                   "unusable": 0}
    (report,) = document["results"]
    assert report["workflowType"] == "GreetingWorkflow" and report["status"] == "ok"
    event = report["events"][21]
    assert event["eventId"] == 22 and event["role"] == "command"
    assert event["source"]["file"].endswith("greeting/original_workflows.py")
    assert event["source"]["line"] == marker_lines(
        EXAMPLES / "greeting" / "original_workflows.py")["send"]


def test_directory_replay_summarises_and_fails_on_any_divergence(tmp_path: Path) -> None:
    shutil.copy(EXAMPLES / "greeting" / "history.json", tmp_path / "greeting.json")
    shutil.copy(EXAMPLES / "lifecycle" / "history.json", tmp_path / "lifecycle.json")
    result = run_cli("replay", str(tmp_path), "-q", "--workflow", "examples/greeting/workflows.py",
                     "--workflow", "examples/lifecycle")
    assert result.code == 1
    assert "2 histories: 1 ok, 1 nondeterministic, 0 failed, 0 unusable" in result.out
    assert "Event" not in result.out.splitlines()[0]  # -q: no trace


def test_bad_inputs_exit_two_without_traceback(tmp_path: Path) -> None:
    (tmp_path / "broken.json").write_text('{"events": [')
    shutil.copy(EXAMPLES / "greeting" / "history.json", tmp_path / "good.json")
    result = run_cli("replay", str(tmp_path), "-q", "--workflow",
                     "examples/greeting/original_workflows.py")
    assert result.code == 2
    assert "UNUSABLE" in result.out and "broken.json" in result.out
    assert "1 ok" in result.out  # the good one is still replayed
    assert "Traceback" not in result.out + result.err


def test_unknown_workflow_lists_candidates() -> None:
    result = run_cli("replay", GREETING, "--workflow", "examples/orders")
    assert result.code == 2
    assert "no workflow with type 'GreetingWorkflow'" in result.out
    # examples/ is no package: the file path is the spec that works from the repository root.
    assert "examples/orders/workflows.py:OrderWorkflow (workflow type 'OrderWorkflow')" \
        in result.out


def test_scan_from_the_repository_root_skips_a_module_that_fails_to_import() -> None:
    # tests/dap/broken_import_fixture.py raises KeyError on import, on purpose.
    result = run_cli("replay", "examples/orders/history.json", "-q")
    assert result.code == 0, result.out + result.err
    assert result.out.startswith("OK  examples/orders/history.json")


def test_scan_lists_the_modules_it_skipped_when_nothing_matches() -> None:
    result = run_cli("replay", "examples/orders/history.json", "-q", "--workflow", "tests/dap")
    assert result.code == 2
    assert "no workflow with type 'OrderWorkflow' in tests/dap" in result.out
    assert "failed to import and were skipped:\n" \
           "        tests/dap/broken_import_fixture.py: KeyError: 'zone'" in result.out
    assert "--workflow path/to/file.py:Class shows its full traceback" in result.out
    assert "Traceback" not in result.out + result.err


def test_file_path_spec_with_class() -> None:
    result = run_cli("replay", "examples/orders/history.json", "-q", "--workflow",
                     "examples/orders/workflows.py:OrderWorkflow")
    assert result.code == 0, result.out + result.err


def test_no_history_is_an_input_error() -> None:
    result = run_cli("replay")
    assert result.code == 2
    assert "no history given" in result.err and "Traceback" not in result.err


def test_history_show_prints_the_table() -> None:
    result = run_cli("history", "show", GREETING)
    assert result.code == 0, result.err
    assert "ActivityTaskScheduled" in result.out and "send_email" in result.out


def test_python_dash_m_and_version() -> None:
    result = run_cli("--version")
    assert result.code == 0 and result.out.startswith("replaydbg ")
    assert (ROOT / "replaydbg" / "py.typed").exists()


def test_a_dynamic_workflow_replays_the_type_it_ran_as() -> None:
    """Recorded from a dev server: a dynamic workflow started as type SomeDynamicType."""
    result = run_cli("replay", "tests/replay/dynamic/history.json",
                     "--workflow", "tests/replay/dynamic")
    assert result.code == 0, result.out + result.err
    assert "replayed with " in result.out and ":DynamicWorkflow" in result.out
    assert "issued at tests/replay/dynamic/workflows.py:" in result.out
