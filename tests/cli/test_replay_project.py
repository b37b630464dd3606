"""``replaydbg replay`` with the project's ``[tool.replaydbg]``: the worker setup from pyproject."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.conftest import run_cli
from tests.support.clocked_project import PLUGIN_MARK, WORKFLOW, make_project

CONFIGURED = f'''workflows = ["{WORKFLOW}"]
plugins = ["project_setup:plugin"]
histories = ["histories"]
select = ["RDB1"]  # a rule key in the same table is no replay error
'''


def test_a_configured_project_replays_from_a_subfolder_with_no_arguments(tmp_path: Path) -> None:
    project = make_project(tmp_path, CONFIGURED)
    result = run_cli("-v", "replay", "-q", cwd=project / "sub")
    assert result.code == 0, result.out + result.err
    history = project / "histories" / "greeting.json"
    # stdout is the usual outcome line and nothing else; where the config came from is a log.
    assert result.out.strip() == f"OK  {history}: replayed 34 events deterministically"
    assert f"project configuration from {project / 'pyproject.toml'}" in result.err
    assert PLUGIN_MARK in result.err  # the plugin's interceptor ran


def test_the_same_replay_without_the_config_fails_on_the_sandbox(tmp_path: Path) -> None:
    project = make_project(tmp_path, CONFIGURED)
    result = run_cli("replay", "-q", "--no-config", "histories", "--workflow", WORKFLOW,
                     cwd=project)
    assert result.code == 2
    assert "RestrictedWorkflowAccessError" in result.out and "datetime.datetime.now" in result.out
    assert "--passthrough MODULE" in result.out


def test_command_line_lists_add_to_the_config(tmp_path: Path) -> None:
    # The table names the workflows only; --passthrough adds what lifts the restriction.
    project = make_project(tmp_path, f'workflows = ["{WORKFLOW}"]\n')
    assert run_cli("replay", "-q", "histories", cwd=project).code == 2
    result = run_cli("replay", "-q", "histories", "--passthrough", "clocklib", cwd=project)
    assert result.code == 0, result.out + result.err


def test_kebab_case_keys_and_a_command_line_scalar_replaces_the_configs(tmp_path: Path) -> None:
    # Without the sandbox nothing restricts the import; --sandbox puts it back.
    project = make_project(tmp_path, f'workflows = ["{WORKFLOW}"]\nsandbox = false\n'
                           'passthrough-modules = ["json"]\n')
    assert run_cli("replay", "-q", "histories", cwd=project).code == 0
    result = run_cli("replay", "-q", "histories", "--sandbox", cwd=project)
    assert result.code == 2 and "RestrictedWorkflowAccessError" in result.out


def test_command_line_histories_and_workflow_replace_the_configs(tmp_path: Path) -> None:
    project = make_project(tmp_path, 'workflows = ["no_such_module:Nothing"]\n'
                           'histories = ["no/such/folder"]\npassthrough_modules = ["clocklib"]\n')
    result = run_cli("replay", "-q", str(project / "histories" / "greeting.json"),
                     "--workflow", WORKFLOW, cwd=project / "sub")
    assert result.code == 0, result.out + result.err


@pytest.mark.parametrize(("table", "expected"), [
    ('plugin = ["project_setup:plugin"]', ["unknown key 'plugin'", "plugins"]),
    ('plugins = "project_setup:plugin"', ["plugins must be a list of strings",
                                          'plugins = ["myapp.worker:thing"]']),
    ('data-converter = "project_setup"', ["data-converter has 'project_setup', which is not "
                                          "MODULE:ATTRIBUTE"]),
    ("sandbox = \"no\"", ["sandbox must be true or false", "sandbox = false"]),
    ('passthrough_modules = ["clock lib"]', ["passthrough_modules has 'clock lib', which is "
                                             "not a module name"]),
    ("profile = 3", ["profile must be a non-empty string"]),
    ("plugins = [", ["is not valid TOML"]),
])
def test_a_bad_table_is_a_usage_error_naming_file_and_key(
        tmp_path: Path, table: str, expected: list[str]) -> None:
    project = make_project(tmp_path, table)
    result = run_cli("replay", "histories", "--workflow", WORKFLOW, cwd=project / "sub")
    assert result.code == 2
    assert str(project / "pyproject.toml") in result.err
    for text in expected:
        assert text in result.err
    assert "Traceback" not in result.err and result.out == ""


def test_a_missing_plugin_module_names_the_key(tmp_path: Path) -> None:
    project = make_project(tmp_path, 'plugins = ["no_such_plugins:plugin"]')
    result = run_cli("replay", "histories", "--workflow", WORKFLOW, cwd=project)
    assert result.code == 2
    assert "cannot load the plugin no_such_plugins:plugin ([tool.replaydbg] plugins in " \
        f"{project / 'pyproject.toml'})" in result.err
    assert "No module named 'no_such_plugins'" in result.err


def test_no_history_anywhere_names_both_ways(tmp_path: Path) -> None:
    project = make_project(tmp_path, f'workflows = ["{WORKFLOW}"]')
    result = run_cli("replay", cwd=project)
    assert result.code == 2
    assert "--workflow-id" in result.err and "histories = [...]" in result.err


def test_the_linter_takes_replay_keys_for_known(tmp_path: Path) -> None:
    project = make_project(tmp_path, CONFIGURED)
    result = run_cli("check", "clocked.py", cwd=project)
    assert "unknown" not in result.err, result.err


def test_a_plugin_named_by_file_is_found_from_the_pyprojects_folder(tmp_path: Path) -> None:
    project = make_project(tmp_path, 'workflows = ["clocked.py:GreetingWorkflow"]\n'
                           'plugins = ["project_setup.py:plugin"]\nhistories = ["histories"]\n')
    result = run_cli("replay", "-q", cwd=project / "sub")
    assert result.code == 0, result.out + result.err
    assert PLUGIN_MARK in result.err


_NATIVE = '''"""Stands for a package with native code, which cannot be imported a second time."""

from temporalio import workflow

if workflow.unsafe.in_sandbox():
    raise SystemError("Objects/dictobject.c:1899: bad argument to internal function")
'''


def test_an_installed_package_the_sandbox_cannot_import_again_is_named(tmp_path: Path) -> None:
    """samples-python's encryption workflow imports cryptography: its Rust bindings fail so."""
    project = make_project(tmp_path)
    installed = tmp_path / "venv" / "lib" / "site-packages" / "nativelib"
    installed.mkdir(parents=True)
    (installed / "__init__.py").write_text(_NATIVE)
    clocked = project / "clocked.py"
    clocked.write_text(clocked.read_text().replace("import clocklib", "import nativelib"))
    env = {"PYTHONPATH": str(installed.parent)}
    result = run_cli("replay", "-q", "histories", "--workflow", WORKFLOW, cwd=project, env=env)
    assert result.code == 2, result.out + result.err
    assert "SystemError" in result.out
    assert "raised importing nativelib (nativelib line 6)" in result.out
    assert "--passthrough nativelib" in result.out and "internal error" not in result.out
    passed = run_cli("replay", "-q", "histories", "--workflow", WORKFLOW,
                     "--passthrough", "nativelib", cwd=project, env=env)
    assert passed.code == 0, passed.out + passed.err
