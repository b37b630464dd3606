"""The worker's setup reaches the replay: plugins, interceptors, passthrough, failure types."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from temporalio.plugin import SimplePlugin
from temporalio.worker import Replayer, ReplayerConfig

from replaydbg.errors import WorkerSetupError
from replaydbg.project import SetupSpecs
from replaydbg.replay import find_workflow, replay_history
from replaydbg.replay.setup import REPLAY_BUILD_ID, WorkerSetup
from tests.replay.conftest import EXAMPLES
from tests.replay.helpers import load
from tests.replay.setup_fixtures import worker_setup

ORDERS = EXAMPLES / "orders" / "history.json"


def _replay(specs: SetupSpecs, path: Path = ORDERS, workflow: str = "orders.workflows"):
    history = load(path)
    cls = find_workflow([workflow], history.workflow_type).cls
    return asyncio.run(replay_history(history, cls, setup=specs.resolve()))


@pytest.mark.parametrize("spec", ["tests.replay.setup_fixtures.worker_setup:plugin",
                                  "tests.replay.setup_fixtures.worker_setup:make_plugin"])
def test_a_plugin_runs_and_recording_survives_its_runner(spec: str) -> None:
    worker_setup.SEEN.clear()
    report = _replay(SetupSpecs(plugins=(spec,)))
    assert report.ok, report.error
    assert worker_setup.SEEN, "the plugin's interceptor never ran"
    # The recording runtime still ran (the plugin replaced the runner): lines are mapped.
    issued = [m for m in report.event_map if m.role == "command" and m.source is not None]
    assert len(issued) > 10


def test_an_interceptor_given_alone_runs() -> None:
    worker_setup.SEEN.clear()
    spec = "tests.replay.setup_fixtures.worker_setup:CountingInterceptor"
    assert _replay(SetupSpecs(interceptors=(spec,))).ok
    assert worker_setup.SEEN


@pytest.mark.parametrize(("spec", "expected"), [
    ("tests.replay.setup_fixtures.worker_setup", "is not MODULE:ATTRIBUTE"),
    ("tests.replay.setup_fixtures.worker_setup:nothing", "has no attribute 'nothing'"),
    ("tests.replay.setup_fixtures.worker_setup:not_a_plugin", "is a int, not a temporalio"),
    ("tests.replay.setup_fixtures.worker_setup:needs_arguments", "needs arguments"),
    ("no_such_package.plugins:plugin", "cannot load the plugin"),
])
def test_bad_plugin_specs_are_input_errors(spec: str, expected: str) -> None:
    with pytest.raises(WorkerSetupError, match=expected) as caught:
        SetupSpecs(plugins=(spec,)).resolve()
    assert caught.value.exit_code == 2


def test_failure_types_must_be_exception_classes() -> None:
    with pytest.raises(WorkerSetupError, match="not an exception class"):
        SetupSpecs(failure_types=("tests.replay.setup_fixtures.worker_setup:plugin",)).resolve()
    setup = SetupSpecs(failure_types=("builtins:KeyError",)).resolve()
    assert setup.workflow_failure_exception_types == (KeyError,)


def test_a_restriction_at_import_is_a_setup_error_that_passthrough_lifts(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, clean_modules: None) -> None:
    # A library the workflow imports reads the clock at import time: the sandbox refuses it
    # unless the worker passes the library through, as real workers do for such libraries.
    (tmp_path / "clocklib.py").write_text("import datetime\nSTARTED = datetime.datetime.now()\n")
    source = (EXAMPLES / "greeting" / "original_workflows.py").read_text()
    source = source.replace("from temporalio import workflow\n",
                            "from temporalio import workflow\n\nimport clocklib  # noqa: F401\n")
    (tmp_path / "clocked.py").write_text(source)
    monkeypatch.syspath_prepend(str(tmp_path))
    history = EXAMPLES / "greeting" / "history.json"
    with pytest.raises(WorkerSetupError) as caught:
        _replay(SetupSpecs(), history, "clocked")
    message = str(caught.value)
    assert "RestrictedWorkflowAccessError" in message and "datetime.datetime.now" in message
    assert "--passthrough" in message and "--plugin" in message
    assert _replay(SetupSpecs(passthrough=("clocklib",)), history, "clocked").ok


def test_setup_specs_travel_as_json() -> None:
    specs = SetupSpecs(("a:b",), ("c:d",), "e:f", ("g:h",), ("i",), False)
    assert SetupSpecs.from_json(specs.to_json()) == specs
    assert WorkerSetup().effective_converter() is not None


class _BuildIdPlugin(SimplePlugin):
    """A plugin that sets the worker's build id, as a deployment-versioned worker may."""

    def __init__(self) -> None:
        super().__init__("tests.build-id")

    def configure_replayer(self, config: ReplayerConfig) -> ReplayerConfig:
        config["build_id"] = "shop-2026-12"
        return super().configure_replayer(config)


def test_replays_name_a_build_id_unless_a_plugin_does(monkeypatch: pytest.MonkeyPatch) -> None:
    # Without one, the SDK hashes every loaded module's bytecode (~0.1 s) per process.
    from temporalio.worker import _replayer

    def hashed() -> str:
        raise AssertionError("the SDK computed a default build id")

    monkeypatch.setattr(_replayer, "load_default_build_id", hashed)
    report = _replay(SetupSpecs())
    assert report.ok, report.error
    workflows = [find_workflow(["orders.workflows"], "OrderWorkflow").cls]
    config = Replayer(workflows=workflows, **WorkerSetup().replayer_arguments()).config(
        active_config=True)
    assert config.get("build_id") == REPLAY_BUILD_ID
    plugged = WorkerSetup(plugins=(_BuildIdPlugin(),)).replayer_arguments()
    active = Replayer(workflows=workflows, **plugged).config(active_config=True)
    assert active.get("build_id") == "shop-2026-12"


@pytest.mark.parametrize("spec", ["tests.support.zlib_codec:data_converter",
                                  "tests.support.zlib_codec:ZlibCodec"])
def test_a_codec_class_goes_in_the_default_converter(spec: str) -> None:
    """Workers build ``replace(default(), payload_codec=Codec())`` in main: the class is named."""
    from tests.support.zlib_codec import ZlibCodec

    converter = SetupSpecs(data_converter=spec).resolve().effective_converter()
    assert isinstance(converter.payload_codec, ZlibCodec)
    assert converter.payload_converter_class.__name__ == "DefaultPayloadConverter"


def test_a_payload_converter_class_goes_in_the_default_converter() -> None:
    spec = "tests.replay.setup_fixtures.worker_setup:UpperPayloadConverter"
    converter = SetupSpecs(data_converter=spec).resolve().effective_converter()
    assert converter.payload_converter_class.__name__ == "UpperPayloadConverter"
    assert converter.payload_codec is None


@pytest.mark.parametrize(("spec", "expected"), [
    ("tests.replay.setup_fixtures.worker_setup:CountingInterceptor",
     "not a temporalio DataConverter, PayloadCodec or PayloadConverter"),
    ("tests.support.zlib_codec:encode_payload", "is a function that needs arguments"),
])
def test_a_data_converter_of_another_kind_is_named(spec: str, expected: str) -> None:
    with pytest.raises(WorkerSetupError, match=expected):
        SetupSpecs(data_converter=spec).resolve()


def test_a_project_interceptor_is_not_named_as_the_line_of_every_command() -> None:
    """The workflow's lines issue and resume, whatever the worker's interceptors wrap."""
    spec = "tests.replay.setup_fixtures.wrapping_interceptor:WrappingInterceptor"
    plain = _replay(SetupSpecs())
    wrapped = _replay(SetupSpecs(interceptors=(spec,)))
    assert wrapped.ok, wrapped.error

    def lines(report: Any) -> list[tuple[int, str, object, object]]:
        return [(m.event_id, m.role, m.source, m.next_line) for m in report.event_map]

    assert lines(wrapped) == lines(plain)
    assert any(m.source is not None for m in wrapped.event_map)
