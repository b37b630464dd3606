"""The worker setup of a launch (attributes, the project's pyproject) reaches the replay."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

from tests.support.clocked_project import PLUGIN_MARK, WORKFLOW, make_project
from tests.support.dap_client import Adapter, adapter_session, wait_for


def _outputs(adapter: Adapter) -> str:
    return "".join(m["body"].get("output", "") for m in list(adapter.messages)
                   if m.get("event") == "output")


def _run_to_the_end(cwd: Path, **extra: Any) -> Adapter:
    """Launch the project's history in ``cwd`` and let it replay to its end (launch answered)."""
    with adapter_session() as adapter:
        adapter.send(2, "launch", historyFile=str(cwd.parent / "histories" / "greeting.json")
                     if cwd.name == "sub" else "histories/greeting.json", cwd=str(cwd),
                     python=sys.executable, **extra)
        wait_for(adapter, lambda m: m.get("event") in ("initialized", "terminated"))
        adapter.request(3, "configurationDone")
        launch = adapter.response(2, timeout=60)
        assert launch["success"], launch
        wait_for(adapter, lambda m: m.get("event") == "exited")
    return adapter


@pytest.mark.parametrize("where", ["launch", "pyproject"])
def test_a_plugin_reaches_the_debuggee(tmp_path: Path, where: str) -> None:
    if where == "launch":
        cwd = make_project(tmp_path)
        adapter = _run_to_the_end(cwd, workflow=WORKFLOW, plugins=["project_setup:plugin"])
    else:  # the pyproject of a folder above the launch's cwd
        table = f'workflows = ["{WORKFLOW}"]\nplugins = ["project_setup:plugin"]\n'
        adapter = _run_to_the_end(make_project(tmp_path, table) / "sub")
    (exited,) = [m for m in adapter.messages if m.get("event") == "exited"]
    assert exited["body"]["exitCode"] == 0, _outputs(adapter)
    # The plugin's interceptor ran in the debuggee (its stderr is the session's output).
    assert PLUGIN_MARK in _outputs(adapter)


def test_without_the_setup_the_launch_error_names_the_launch_attributes(tmp_path: Path) -> None:
    cwd = make_project(tmp_path)
    with adapter_session() as adapter:
        adapter.send(2, "launch", historyFile="histories/greeting.json", cwd=str(cwd),
                     python=sys.executable, workflow=WORKFLOW)
        launch = adapter.response(2, timeout=60)
        assert not launch["success"]
        message = launch["message"]
        assert "RestrictedWorkflowAccessError" in message
        assert 'the launch attribute "plugins": ["MODULE:ATTR"]' in message
        assert 'the launch attribute "passthroughModules": ["MODULE"]' in message
        assert "--plugin" not in message and "--passthrough" not in message
        wait_for(adapter, lambda m: m.get("event") == "terminated")


def test_a_plugin_that_cannot_load_names_the_attribute(tmp_path: Path) -> None:
    cwd = make_project(tmp_path)
    with adapter_session() as adapter:
        adapter.send(2, "launch", historyFile="histories/greeting.json", cwd=str(cwd),
                     python=sys.executable, workflow=WORKFLOW, plugins=["no_such_plugins:plugin"])
        launch = adapter.response(2, timeout=60)
        assert not launch["success"]
        assert ('cannot load the plugin no_such_plugins:plugin (the launch attribute "plugins")'
                in launch["message"])
        wait_for(adapter, lambda m: m.get("event") == "terminated")


def test_a_bad_launch_attribute_or_pyproject_is_an_error_response(tmp_path: Path) -> None:
    cwd = make_project(tmp_path, "sandbox = 'off'")
    with adapter_session() as adapter:
        bad_type = adapter.request(2, "launch", historyFile="histories/greeting.json",
                                   cwd=str(cwd), plugins="project_setup:plugin")
        assert not bad_type["success"]
        assert "launch attribute 'plugins' must be an array" in bad_type["message"]
    with adapter_session() as adapter:
        bad_file = adapter.request(2, "launch", historyFile="histories/greeting.json",
                                   cwd=str(cwd))
        assert not bad_file["success"]
        assert f"{cwd / 'pyproject.toml'}: [tool.replaydbg] sandbox must be true or false" \
            in bad_file["message"]
