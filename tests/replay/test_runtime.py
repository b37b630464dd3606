"""The SDK internals the recording runtime hooks into, and the CLI's converter option."""

from __future__ import annotations

import textwrap
from pathlib import Path

from temporalio.worker._workflow_instance import _WorkflowInstanceImpl

from replaydbg.replay import runtime
from tests.cli.conftest import ROOT, run_cli


def test_private_hooks_exist_in_the_installed_sdk() -> None:
    # If a temporalio release renames these, replay must refuse clearly, not mis-record.
    for name in ("_apply", "_add_command", "call_soon", "activate", "_run_once"):
        assert callable(getattr(_WorkflowInstanceImpl, name)), name
    assert runtime.SUPPORTED


def test_recording_instance_overrides_the_hooks() -> None:
    cls = runtime.RecordingWorkflowInstance
    for name in ("_apply", "_add_command", "call_soon", "activate"):
        assert getattr(cls, name) is not getattr(_WorkflowInstanceImpl, name), name


def test_data_converter_option(tmp_path: Path) -> None:
    (tmp_path / "myconv.py").write_text(textwrap.dedent("""
        from temporalio.converter import DataConverter
        converter = DataConverter.default
        def make():
            return DataConverter.default
        not_a_converter = 42
    """))
    history = str(ROOT / "examples/greeting/history.json")
    workflow = str(ROOT / "examples/greeting/original_workflows.py")
    env = {"PYTHONPATH": str(tmp_path)}
    for spec in ("myconv:converter", "myconv:make"):
        result = run_cli("replay", history, "-q", "--workflow", workflow,
                         "--data-converter", spec, env=env)
        assert result.code == 0, result.out + result.err
    bad = run_cli("replay", history, "--workflow", workflow,
                  "--data-converter", "myconv:not_a_converter", env=env)
    assert bad.code == 2 and "is a int, not a temporalio DataConverter" in bad.err
    malformed = run_cli("replay", history, "--data-converter", "myconv", env=env)
    assert malformed.code == 2 and "is not MODULE:ATTRIBUTE" in malformed.err
