"""``[tool.replaydbg]`` as the replays read it: where it is found, what it means, what is wrong."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from replaydbg.errors import ConfigError, WorkerSetupError
from replaydbg.project.pyproject import _PARSERS, find_pyproject, load_project
from replaydbg.project.specs import SetupSpecs
from replaydbg.rules import load_config
from replaydbg.rules.config import _PARSERS as RULE_PARSERS
from replaydbg.tooltable import REPLAY_KEYS, RULE_KEYS


def _write(folder: Path, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "pyproject.toml").write_text(text)
    return folder / "pyproject.toml"


def test_the_key_lists_are_the_readers_keys() -> None:
    assert set(RULE_PARSERS) == set(RULE_KEYS)
    assert set(_PARSERS) == set(REPLAY_KEYS)
    assert not set(RULE_KEYS) & set(REPLAY_KEYS)


def test_the_nearest_pyproject_with_the_table_wins(tmp_path: Path) -> None:
    outer = _write(tmp_path, "[tool.replaydbg]\nprofile = 'outer'\n")
    _write(tmp_path / "pkg", "[project]\nname = 'pkg'\n")  # no table: not the project's config
    (tmp_path / "pkg" / "deep").mkdir()
    assert find_pyproject(tmp_path / "pkg" / "deep") == outer
    inner = _write(tmp_path / "pkg", "[tool.replaydbg]\nprofile = 'inner'\n")
    assert find_pyproject(tmp_path / "pkg" / "deep") == inner
    assert load_project(tmp_path / "pkg" / "deep").profile == "inner"


def test_no_table_anywhere_is_an_empty_config(tmp_path: Path) -> None:
    project = load_project(tmp_path)
    assert project.path is None and project.setup == SetupSpecs()


def test_values_paths_and_specs_are_relative_to_the_pyproject(tmp_path: Path) -> None:
    (tmp_path / "flows").mkdir()
    path = _write(tmp_path, """[tool.replaydbg]
workflows = ["flows", "app.workflows:Order"]
plugins = ["app.worker:plugin"]
interceptors = ["app.worker:Tracing"]
data-converter = "app.worker:converter"
workflow_failure_exception_types = ["app.errors:Rejected"]
passthrough-modules = ["pydantic"]
sandbox = false
histories = ["tests/histories"]
profile = "staging"
ignore = ["RDB101"]
""")
    project = load_project(tmp_path)
    assert project.path == path and project.root == tmp_path
    assert project.workflows == (str(tmp_path / "flows"), "app.workflows:Order")
    assert project.histories == (str(tmp_path / "tests" / "histories"),)
    assert project.profile == "staging"
    setup = project.setup
    assert setup.plugins == ("app.worker:plugin",)
    assert setup.interceptors == ("app.worker:Tracing",)
    assert setup.data_converter == "app.worker:converter"
    assert setup.failure_types == ("app.errors:Rejected",)
    assert setup.passthrough == ("pydantic",) and not setup.sandbox
    assert setup.import_paths == (str(tmp_path),)
    assert setup.origins["app.worker:plugin"] == f"[tool.replaydbg] plugins in {path}"
    # And the linter reading the same table finds nothing unknown in it.
    config, problems = load_config(tmp_path)
    assert problems == [] and config.ignore == ("RDB101",)


def test_given_lists_add_and_given_scalars_replace(tmp_path: Path) -> None:
    _write(tmp_path, '[tool.replaydbg]\nplugins = ["a:p"]\npassthrough_modules = ["m"]\n'
           'data_converter = "a:c"\nsandbox = false\n')
    project = load_project(tmp_path)
    given = SetupSpecs(plugins=("b:p", "a:p"), passthrough=("n",), data_converter="b:c")
    merged = project.merged_setup(given, sandbox=None)
    assert merged.plugins == ("a:p", "b:p") and merged.passthrough == ("m", "n")
    assert merged.data_converter == "b:c" and merged.sandbox is False
    assert project.merged_setup(SetupSpecs(), sandbox=True).sandbox is True
    assert project.merged_setup(SetupSpecs(), sandbox=None).data_converter == "a:c"


@pytest.mark.parametrize(("table", "expected"), [
    ("plugins = ['a:b']\nplugin = ['a:b']", "unknown key 'plugin'"),
    ("interceptors = 'a:b'", "interceptors must be a list of strings, not a string"),
    ("workflow-failure-exception-types = ['a.b']", "'a.b', which is not MODULE:ATTRIBUTE"),
    ("data_converter = ['a:b']", "data_converter must be a string, not an array"),
    ("histories = [1]", "histories must be a list of strings"),
    ("sandbox = 'false'", "sandbox must be true or false, not a string"),
    ("passthrough_modules = ['a/b']", "'a/b', which is not a module name"),
    ("recent_histories = 'yes'", "recent_histories must be a table, not str"),
    ("recent_histories = { max = 0 }", "recent_histories max must be a whole number"),
    ("recent_histories = { since = 7 }", "recent_histories since must be a string"),
    ("recent_histories = { workflow_types = 'A' }", "workflow_types must be a list"),
    ("recent_histories = { query = '' }", "query must be a visibility query string"),
    ("recent_histories = { folders = 'x' }", "recent_histories has unknown key 'folders'"),
])
def test_bad_values_are_config_errors_naming_file_and_key(
        tmp_path: Path, table: str, expected: str) -> None:
    path = _write(tmp_path, f"[tool.replaydbg]\n{table}\n")
    with pytest.raises(ConfigError, match=expected) as caught:
        load_project(tmp_path)
    assert str(path) in caught.value.message and caught.value.hint
    assert caught.value.exit_code == 2


def test_recent_histories_defaults_and_their_folder(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    _write(tmp_path, "[tool.replaydbg]\nhistories = ['saved']\nrecent_histories = true\n")
    recent = load_project(tmp_path).recent
    assert recent is not None and (recent.since, recent.max, recent.query) == ("7d", 20, None)
    assert recent.folder.parent == tmp_path / "cache" / "replaydbg" / "recent"
    assert recent.folder.name.startswith(tmp_path.name + "-")
    _write(tmp_path, "[tool.replaydbg]\nhistories = ['saved']\n"
           "[tool.replaydbg.recent_histories]\nfolder = 'pulled'\nmax = 5\n"
           "workflow_types = ['Orders']\nquery = \"ExecutionStatus = 'Completed'\"\n")
    project = load_project(tmp_path)
    assert project.recent is not None and project.recent.workflow_types == ("Orders",)
    assert project.replayed_folders == (str(tmp_path / "saved"), str(tmp_path / "pulled"))


def test_a_spec_from_the_file_fails_naming_the_key(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "path", list(sys.path))  # resolving puts the project's folder on it
    path = _write(tmp_path, '[tool.replaydbg]\nplugins = ["no_such_module_here:plugin"]\n')
    with pytest.raises(WorkerSetupError, match=r"\[tool.replaydbg\] plugins in ") as caught:
        load_project(tmp_path).setup.resolve()
    assert str(path) in caught.value.message and sys.path[0] == str(tmp_path)


def test_specs_may_name_files_relative_to_the_pyproject(tmp_path: Path) -> None:
    _write(tmp_path, '[tool.replaydbg]\nplugins = ["setup/worker.py:plugin", "app.w:p"]\n'
           'data_converter = "setup/worker.py:converter"\n'
           'workflows = ["flows/orders.py:Order", "app.flows"]\n')
    project = load_project(tmp_path / "anywhere")
    worker = tmp_path / "setup" / "worker.py"
    assert project.setup.plugins == (f"{worker}:plugin", "app.w:p")
    assert project.setup.data_converter == f"{worker}:converter"
    assert project.workflows == (f"{tmp_path / 'flows' / 'orders.py'}:Order", "app.flows")
