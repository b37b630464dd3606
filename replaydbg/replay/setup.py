"""What the user's worker was given that changes a replay, and how a replay gets it.

A replay is only the replay the worker did when the replayer gets what the worker got: plugins
(which may bring converters, codecs, interceptors, sandbox passthroughs and failure types),
interceptors, the data converter, ``workflow_failure_exception_types`` and the sandbox's
passthrough modules. :class:`WorkerSetup` holds those objects (already imported);
:class:`RecordingPlugin` runs *after* the user's plugins so that whatever workflow runner they
leave in place is the one replaydbg records through.
"""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from typing import Any

from temporalio.client import WorkflowHistory
from temporalio.converter import DataConverter
from temporalio.worker import (
    Interceptor,
    Plugin,
    Replayer,
    ReplayerConfig,
    UnsandboxedWorkflowRunner,
    Worker,
    WorkerConfig,
    WorkflowReplayResult,
)
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner, SandboxRestrictions

from replaydbg.errors import InputError
from replaydbg.replay.runtime import RecordingWorkflowRunner
from replaydbg.replay.source import defining_file

#: Modules the sandbox must share with the host instead of re-importing: our recording
#: runtime (so the sandbox instantiates *our* instance class) and pydevd's bundle, which debug
#: mode adds for the SDK's own runner but not for a runner we wrap.
PASSTHROUGH = ("replaydbg", "_pydevd_bundle", "_pydev_bundle", "_pydevd_sys_monitoring",
               "pydevd", "debugpy")
#: The replaying worker's build id. Without one the SDK hashes the bytecode of every loaded
#: module (~0.1 s, before the first activation of every replay process). Its default would be
#: this process's hash, never the user's worker's, so no replay could reproduce it anyway;
#: a plugin that sets one keeps it (plugins configure the replayer after these arguments).
REPLAY_BUILD_ID = "replaydbg-replay"


@dataclass(frozen=True)
class WorkerSetup:
    """The worker's replay-relevant configuration, as objects (see the module docstring)."""

    plugins: tuple[Plugin, ...] = ()
    interceptors: tuple[Interceptor, ...] = ()
    #: None: the SDK's default (or whatever a plugin sets).
    data_converter: DataConverter | None = None
    workflow_failure_exception_types: tuple[type[BaseException], ...] = ()
    #: Extra modules the sandbox passes through, as the worker's runner was configured.
    passthrough_modules: tuple[str, ...] = ()
    sandbox: bool = True

    def replayer_arguments(self) -> dict[str, Any]:
        """Keyword arguments for a recording :class:`temporalio.worker.Replayer` (no workflows)."""
        arguments = self.worker_replayer_arguments()
        # The sandboxed runner even without the sandbox: the recording plugin swaps it.
        arguments["workflow_runner"] = self._sandboxed_runner()
        arguments["plugins"].append(RecordingPlugin(sandbox=self.sandbox))
        return arguments

    def worker_replayer_arguments(self) -> dict[str, Any]:
        """The same, for a replay exactly as the worker's own, recording nothing.

        Replaying many histories only to know which of them still replay (``shadow``) needs
        nothing more, at the SDK's own speed; the few that fail are replayed again recording.
        """
        return {
            "build_id": REPLAY_BUILD_ID,
            "plugins": list(self.plugins),
            "interceptors": list(self.interceptors),
            "data_converter": self.data_converter or DataConverter.default,
            "workflow_failure_exception_types": list(self.workflow_failure_exception_types),
            "workflow_runner": (self._sandboxed_runner() if self.sandbox
                                else UnsandboxedWorkflowRunner()),
        }

    def _sandboxed_runner(self) -> SandboxedWorkflowRunner:
        return SandboxedWorkflowRunner(restrictions=SandboxRestrictions.default
                                       .with_passthrough_modules(*self.passthrough_modules))

    def machinery_files(self, workflow_cls: type) -> frozenset[str]:
        """Files of the interceptors and plugins given (a plugin's own ones too).

        They are the worker's wrapping of the workflow, not the workflow (see UserCode); the
        workflow's own file is never one of them.
        """
        try:
            interceptors = self._plugins_applied().get("interceptors") or ()
        except Exception:  # the replay itself will say what is wrong with a plugin
            interceptors = self.interceptors
        objects = [*self.plugins, *interceptors]
        files = {defining_file(type(o)) for o in objects} - {defining_file(workflow_cls)}
        return frozenset(f for f in files if f)

    def effective_converter(self) -> DataConverter:
        """The data converter the replay decodes payloads with, plugins applied."""
        return self._plugins_applied().get("data_converter") or DataConverter.default

    def _plugins_applied(self) -> ReplayerConfig:
        """The interceptors and converter given, as the plugins configure them."""
        config = ReplayerConfig(interceptors=list(self.interceptors),
                                data_converter=self.data_converter or DataConverter.default)
        for plugin in self.plugins:
            config = plugin.configure_replayer(config)
        return config


class RecordingPlugin(Plugin):
    """The last plugin of a replay: swaps the runner the user's setup chose for a recording one.

    Running last matters: a plugin may replace the sandboxed runner (to add passthrough
    modules, say); recording must wrap the runner the worker really used, not the default.
    """

    def __init__(self, *, sandbox: bool) -> None:
        self._sandbox = sandbox

    def name(self) -> str:
        """The plugin's name in the SDK's logs."""
        return "replaydbg.recording"

    def configure_replayer(self, config: ReplayerConfig) -> ReplayerConfig:
        """Record through the configured runner (or the unsandboxed one when asked)."""
        config["workflow_runner"] = recording_runner(config.get("workflow_runner"),
                                                     sandbox=self._sandbox)
        return config

    def run_replayer(
        self,
        replayer: Replayer,
        histories: AsyncIterator[WorkflowHistory],
        next: Callable[[Replayer, AsyncIterator[WorkflowHistory]],
                       AbstractAsyncContextManager[AsyncIterator[WorkflowReplayResult]]],
    ) -> AbstractAsyncContextManager[AsyncIterator[WorkflowReplayResult]]:
        """Nothing to add around the replay."""
        return next(replayer, histories)

    def configure_worker(self, config: WorkerConfig) -> WorkerConfig:
        """Never used on a worker."""
        return config

    async def run_worker(self, worker: Worker, next: Callable[[Worker], Awaitable[None]]) -> None:
        """Never used on a worker."""
        await next(worker)


def recording_runner(runner: object, *, sandbox: bool) -> Any:
    """A recording runner in place of ``runner``: the same sandbox settings, our instance."""
    if not sandbox or isinstance(runner, UnsandboxedWorkflowRunner):
        return RecordingWorkflowRunner()
    if runner is None:
        runner = SandboxedWorkflowRunner()
    if not isinstance(runner, SandboxedWorkflowRunner):
        raise InputError(
            f"the worker's workflow runner is a {type(runner).__qualname__}; replaydbg records "
            "through the SDK's sandboxed or unsandboxed runner only",
            hint="replay with --no-sandbox, or configure a SandboxedWorkflowRunner",
        )
    restrictions = runner.restrictions.with_passthrough_modules(*PASSTHROUGH)
    return dataclasses.replace(runner, restrictions=restrictions,
                               runner_class=RecordingWorkflowRunner)


#: The setup of a worker given nothing but its workflows.
DEFAULT_SETUP = WorkerSetup()
