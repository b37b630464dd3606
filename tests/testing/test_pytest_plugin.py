"""The pytest plugin, run by pytest itself (``pytester``) on projects made from the examples.

Each test builds a small project in pytester's folder from ``examples/orders`` (its workflow
module and the history recorded from a real dev server) and runs pytest on it in a fresh
process: a workflow module imported by one run must not answer for another's edited copy.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.replay.conftest import CHANGED, EXAMPLES, marker_lines

pytest_plugins = ["pytester"]

ORDERS_TABLE = 'workflows = ["orders/workflows.py"]\nhistories = ["histories"]\n'


def _copy_package(pytester: pytest.Pytester, name: str) -> Path:
    target = pytester.path / name
    shutil.copytree(EXAMPLES / name, target,
                    ignore=shutil.ignore_patterns("__pycache__", "*.json"))
    return target


def _history(pytester: pytest.Pytester, source: Path, relative: str) -> Path:
    target = pytester.path / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(source, target)
    return target


def _orders_project(pytester: pytest.Pytester, table: str | None = ORDERS_TABLE) -> Path:
    """``orders/`` (the example package), ``histories/orders/history.json``, a pyproject."""
    _copy_package(pytester, "orders")
    _history(pytester, EXAMPLES / "orders" / "history.json", "histories/orders/history.json")
    if table is not None:
        pytester.makepyprojecttoml(f"[tool.replaydbg]\n{table}")
    return pytester.path


def _run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    return pytester.runpytest_subprocess("-p", "no:cacheprovider", "-v", *args)


def test_a_history_that_replays_is_a_passing_test(pytester: pytest.Pytester) -> None:
    _orders_project(pytester)
    result = _run(pytester)
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines([
        "replaydbg: histories from histories",
        "histories/orders/history.json::test_replay[[]orders/history.json[]] PASSED*",
    ])


def test_an_edited_workflow_fails_with_the_line_and_the_event_against_the_command(
        pytester: pytest.Pytester) -> None:
    project = _orders_project(pytester)
    workflows = project / "orders" / "workflows.py"
    source = workflows.read_text()
    charge = "await workflow.execute_activity(charge_payment, payment, **PAYMENT)  # @charge"
    assert charge in source
    workflows.write_text(source.replace(charge, charge.replace("charge_payment",
                                                               "award_loyalty_points")))
    line = marker_lines(workflows)["charge"]
    result = _run(pytester)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines([
        "*_ test_replay[[]orders/history.json[]] _*",
        "NONDETERMINISM  histories/orders/history.json",
        "    history event * is ActivityTaskScheduled(charge_payment) but the code at "
        f"orders/workflows.py:{line} (run) issued activity award_loyalty_points *",
        f"    at orders/workflows.py:{line} (run)",
        "    Temporal says: [[]TMPRL1100[]] Nondeterminism error: *",
    ])
    assert "Traceback" not in result.stdout.str()


def test_an_unusable_history_fails_its_own_test_only(pytester: pytest.Pytester) -> None:
    project = _orders_project(pytester)
    recorded = (project / "histories" / "orders" / "history.json").read_text()
    (project / "histories" / "cut.json").write_text(recorded[: len(recorded) // 2])
    # A real history, of a workflow the project does not list.
    _history(pytester, EXAMPLES / "greeting" / "history.json", "histories/greeting.json")
    result = _run(pytester)
    result.assert_outcomes(passed=1, failed=2)
    result.stdout.fnmatch_lines([
        "*_ test_replay[[]cut.json[]] _*",
        "replaydbg could not replay this history:",
        "histories/cut.json: *",
        "  hint: *",
        "*_ test_replay[[]greeting.json[]] _*",
        "replaydbg could not replay this history:",
        "*no workflow with type 'GreetingWorkflow'*",
        "*in a test run: name the workflows in [[]tool.replaydbg[]] workflows of pyproject.toml",
    ])


def test_a_worker_setup_error_fails_each_history_with_its_hint(
        pytester: pytest.Pytester) -> None:
    _orders_project(pytester, ORDERS_TABLE + 'plugins = ["no_such_module:plugin"]\n')
    result = _run(pytester)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["replaydbg could not replay this history:",
                                 "cannot load the plugin no_such_module:plugin*", "  hint: *"])


def test_no_replaydbg_collects_nothing(pytester: pytest.Pytester) -> None:
    _orders_project(pytester)
    result = _run(pytester, "--no-replaydbg")
    assert result.ret == pytest.ExitCode.NO_TESTS_COLLECTED
    result.stdout.no_fnmatch_line("*replaydbg: histories*")


def test_the_option_works_without_a_pyproject(pytester: pytest.Pytester) -> None:
    # No [tool.replaydbg]: the workflows are found by scanning the folder pytest runs in.
    _orders_project(pytester, table=None)
    _history(pytester, EXAMPLES / "orders" / "history_shipping.json", "histories/shipping.json")
    assert _run(pytester).ret == pytest.ExitCode.NO_TESTS_COLLECTED
    result = _run(pytester, "--replaydbg-histories", "histories")
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(["*::test_replay[[]orders/history.json[]] PASSED*",
                                 "*::test_replay[[]shipping.json[]] PASSED*"])


def test_a_missing_option_folder_is_a_usage_error(pytester: pytest.Pytester) -> None:
    result = _run(pytester, "--replaydbg-histories", "nowhere")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--replaydbg-histories nowhere: no such file or directory*"])


def test_paths_on_the_command_line_collect_only_what_they_name(
        pytester: pytest.Pytester) -> None:
    _orders_project(pytester)
    pytester.makepyfile(test_plain="def test_plain():\n    pass\n")
    _run(pytester, "test_plain.py").assert_outcomes(passed=1)
    _run(pytester, "histories/orders/history.json").assert_outcomes(passed=1)
    _run(pytester).assert_outcomes(passed=2)
    _run(pytester, "-k", "orders").assert_outcomes(passed=1)


def test_a_missing_configured_folder_fails_one_test(pytester: pytest.Pytester) -> None:
    _orders_project(pytester, ORDERS_TABLE.replace('["histories"]',
                                                   '["histories", "saved/later"]'))
    result = _run(pytester)
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["*pyproject.toml::test_replay[[]saved/later[]] FAILED*",
                                 "*histories names saved/later, which does not exist*"])


def test_a_table_that_cannot_be_read_fails_one_test_naming_key_and_fix(
        pytester: pytest.Pytester) -> None:
    _orders_project(pytester, ORDERS_TABLE + 'plugin = ["orders.workflows:plugin"]\n')
    result = _run(pytester)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*pyproject.toml::test_replay[[]pyproject.toml[]] FAILED*",
                                 "*unknown key 'plugin' in [[]tool.replaydbg[]]",
                                 "  hint: remove it or fix its spelling; known keys: *"])


def test_changes_temporal_does_not_check_pass_with_a_replay_warning(
        pytester: pytest.Pytester) -> None:
    _copy_package(pytester, "greeting")
    shutil.copy(CHANGED / "quiet_changes.py", pytester.path / "quiet_changes.py")
    _history(pytester, EXAMPLES / "greeting" / "history.json", "histories/greeting.json")
    pytester.makepyprojecttoml('[tool.replaydbg]\nworkflows = ["quiet_changes.py"]\n'
                               'histories = ["histories"]\n')
    line = marker_lines(CHANGED / "quiet_changes.py")["delay"]
    result = _run(pytester)
    result.assert_outcomes(passed=1, warnings=2)
    result.stdout.fnmatch_lines([
        "histories/greeting.json::test_replay[[]greeting.json[]]",
        "  histories/greeting.json:0: ReplayWarning: histories/greeting.json: event 17 "
        "TimerStarted: timer duration is 0:00:01 in history but 0:00:03 in the code (issued at "
        f"quiet_changes.py:{line} (run)); Temporal does not check this"])
    strict = _run(pytester, "-W", "error::replaydbg.testing.ReplayWarning")
    strict.assert_outcomes(failed=1)


COST_PROBE = '''
import sys


def pytest_sessionfinish(session):
    heavy = sorted(m for m in sys.modules
                   if m.startswith(("temporalio", "replaydbg.replay", "replaydbg.history")))
    print("heavy modules:", heavy)
'''


@pytest.mark.parametrize("table", [None, 'select = ["RDB1"]\n'])
def test_a_project_without_histories_pays_nothing(pytester: pytest.Pytester,
                                                  table: str | None) -> None:
    # The examples' history sits in the folder, but nothing names it: it is no test.
    _orders_project(pytester, table)
    pytester.makeconftest(COST_PROBE)
    pytester.makepyfile(test_plain="def test_plain():\n    pass\n")
    result = _run(pytester, "-s")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["*heavy modules: []*"])
    result.stdout.no_fnmatch_line("*replaydbg: histories*")
