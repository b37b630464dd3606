"""Replay one history against the user's workflow class and record what happened."""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass
from functools import lru_cache

from temporalio import __version__ as temporalio_version
from temporalio.converter import DataConverter
from temporalio.runtime import LoggingConfig, Runtime, TelemetryConfig, TelemetryFilter
from temporalio.worker import Replayer, WorkflowRunner
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner, SandboxRestrictions

from replaydbg.errors import ReplaydbgError
from replaydbg.history import History
from replaydbg.replay.recorder import Recording
from replaydbg.replay.runtime import (
    SUPPORTED,
    RecordingWorkflowRunner,
    ReplayContext,
    StopHooks,
)
from replaydbg.replay.source import UserCode

logger = logging.getLogger(__name__)

#: Modules the sandbox must share with the host instead of re-importing: our recording
#: runtime (so the sandbox instantiates *our* instance class) and pydevd's bundle, which debug
#: mode adds for the SDK's own runner but not for a runner we wrap.
PASSTHROUGH = ("replaydbg", "_pydevd_bundle", "_pydev_bundle", "_pydevd_sys_monitoring",
               "pydevd", "debugpy")


@dataclass(frozen=True)
class RawReplay:
    """What the SDK said about a replay, plus our recording of it."""

    recording: Recording
    #: The SDK's replay failure (``NondeterminismError`` or another error), None on success.
    failure: Exception | None


@lru_cache(maxsize=1)
def quiet_runtime() -> Runtime:
    """A core runtime that does not print its own warnings to stderr.

    The core logs every non-determinism it finds as a WARN line; replaydbg reports the same
    failure itself, located in the user's code, so the core's copy is noise.
    """
    quiet = TelemetryFilter(core_level="ERROR", other_level="ERROR")
    return Runtime(telemetry=TelemetryConfig(logging=LoggingConfig(filter=quiet)))


def make_runner(*, sandbox: bool, base: SandboxedWorkflowRunner | None = None) -> WorkflowRunner:
    """The workflow runner that records: sandboxed (the default, as in production) or not."""
    if not sandbox:
        return RecordingWorkflowRunner()
    base = base or SandboxedWorkflowRunner()
    restrictions: SandboxRestrictions = base.restrictions.with_passthrough_modules(*PASSTHROUGH)
    return dataclasses.replace(base, restrictions=restrictions,
                               runner_class=RecordingWorkflowRunner)


async def replay_recorded(
    history: History,
    workflow_cls: type,
    *,
    sandbox: bool = True,
    data_converter: DataConverter | None = None,
    user_roots: tuple[str, ...] = (),
    stops: StopHooks | None = None,
    track_next_lines: bool = True,
) -> RawReplay:
    """Replay ``history`` in debug mode and return the recording and the SDK's verdict.

    ``stops`` hears of every job and command (a debugger stops there).
    """
    if not SUPPORTED:
        raise ReplaydbgError(
            f"temporalio {temporalio_version} no longer has the workflow-instance internals "
            "replaydbg records through (_apply, _add_command, call_soon, _run_once)",
            hint="install a temporalio release replaydbg is tested with (1.29 to 1.35)",
        )
    recording = Recording()
    ReplayContext.recording, ReplayContext.user_code = recording, UserCode(user_roots)
    ReplayContext.stops = stops
    ReplayContext.track_next_lines = track_next_lines
    try:
        replayer = Replayer(
            workflows=[workflow_cls],
            workflow_runner=make_runner(sandbox=sandbox),
            data_converter=data_converter or DataConverter.default,
            # Debug mode runs activations inline with no deadlock timeout: needed to pause
            # in a debugger, and it keeps replay on one thread.
            debug_mode=True,
            runtime=quiet_runtime(),
        )
        result = await replayer.replay_workflow(
            history.to_workflow_history(), raise_on_replay_failure=False
        )
    finally:
        ReplayContext.recording = ReplayContext.user_code = None
        ReplayContext.stops = None
        ReplayContext.track_next_lines = True
    return RawReplay(recording, result.replay_failure)
