"""A project whose worker uses a plugin (an encrypting codec, an interceptor) or pydantic:
the replay is the worker's only when it gets the same setup (examples/secure, recorded from a
real dev server)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.conftest import EXAMPLES, run_cli

SECURE = "examples/secure/history.json"
WORKFLOWS = ("--workflow", "examples/secure/workflows.py")


def test_without_the_plugin_the_payloads_are_unusable_and_the_fix_is_named() -> None:
    result = run_cli("replay", SECURE, *WORKFLOWS, "-q")
    assert result.code == 2, result.out + result.err
    assert f"UNUSABLE  {SECURE}" in result.out
    assert "cannot decode the history's payloads" in result.out
    assert "binary/encrypted" in result.out and "--plugin" in result.out
    assert "internal error" not in result.out + result.err


@pytest.mark.parametrize("plugin", ["examples/secure/plugin.py:plugin",
                                    "examples/secure/plugin.py:make_plugin"])
def test_with_the_plugin_it_replays(plugin: str) -> None:
    result = run_cli("replay", SECURE, *WORKFLOWS, "--plugin", plugin)
    assert result.code == 0, result.out + result.err
    assert f"OK  {SECURE}: replayed 25 events deterministically" in result.out


def test_the_pieces_given_one_by_one_replay_too() -> None:
    result = run_cli("replay", SECURE, *WORKFLOWS, "-q",
                     "--data-converter", "examples/secure/plugin.py:data_converter",
                     "--interceptor", "examples/secure/plugin.py:interceptor",
                     "--passthrough", "secure.context")
    assert result.code == 0, result.out + result.err


def test_a_missing_interceptor_is_not_the_replay_the_worker_did() -> None:
    result = run_cli("replay", SECURE, *WORKFLOWS, "-q",
                     "--data-converter", "examples/secure/plugin.py:data_converter")
    assert result.code == 1
    assert "NONDETERMINISM" in result.out


def test_a_pydantic_project_needs_its_converter_and_says_so() -> None:
    history = "examples/secure/history_pydantic.json"
    workflows = ("--workflow", "examples/secure/pydantic_workflows.py")
    plain = run_cli("replay", history, *workflows, "-q")
    assert plain.code == 1
    assert "TypeError: Object of type date is not JSON serializable" in plain.out
    assert "temporalio.contrib.pydantic:pydantic_data_converter" in plain.out
    configured = run_cli("replay", history, *workflows, "-q", "--data-converter",
                         "temporalio.contrib.pydantic:pydantic_data_converter")
    assert configured.code == 0, configured.out + configured.err


def test_a_missing_plugin_module_is_an_input_error() -> None:
    result = run_cli("replay", SECURE, *WORKFLOWS, "--plugin", "no_such_project.plugins:plugin")
    assert result.code == 2
    assert "cannot load the plugin no_such_project.plugins:plugin (--plugin)" in result.err


def test_history_show_decodes_with_the_projects_plugin(tmp_path: Path) -> None:
    plugin = EXAMPLES / "secure" / "plugin.py"
    (tmp_path / "pyproject.toml").write_text(
        f'[tool.replaydbg]\nplugins = ["{plugin}:plugin"]\n')
    history = str(EXAMPLES / "secure" / "history.json")
    shown = run_cli("history", "show", history, cwd=tmp_path)
    assert shown.code == 0, shown.err
    assert 'input=["E-1024", "2026-05"]' in shown.out
    plain = run_cli("history", "show", history, "--no-config", cwd=tmp_path)
    assert plain.code == 0 and "E-1024" not in plain.out
    assert "binary/encrypted" in plain.out
