"""Replay one history against the user's workflow class and record what happened."""

from __future__ import annotations

import contextlib
import logging
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from temporalio import __version__ as temporalio_version
from temporalio.runtime import LoggingConfig, Runtime, TelemetryConfig, TelemetryFilter
from temporalio.worker import Replayer

from replaydbg.errors import ReplaydbgError, WorkerSetupError
from replaydbg.history import History
from replaydbg.replay.recorder import Recording
from replaydbg.replay.runtime import (
    SDK_INSTANCE_LOGGER,
    SUPPORTED,
    ReplayContext,
    StopHooks,
    TaskFailureCapture,
)
from replaydbg.replay.sandbox_import import import_culprit
from replaydbg.replay.setup import DEFAULT_SETUP, WorkerSetup
from replaydbg.replay.source import SourceLocation, UserCode
from replaydbg.replay.watchdog import DeadlockWatchdog

logger = logging.getLogger(__name__)


#: Seconds a workflow task may run without yielding before the replay calls it a deadlock
#: (the SDK's own detector, off in debug mode, allows 2 s on a worker).
DEFAULT_DEADLOCK_TIMEOUT = 5.0


def _never() -> bool:
    return False


def _blocked_for_good(where: SourceLocation | None) -> None:
    """A task blocked in a call that never returns: nothing can unwind it, so stop here."""
    at = f" at {where.short()}" if where else ""
    sys.stderr.write(f"replaydbg: the workflow task is blocked in a call that does not return"
                     f"{at} (deadlock); the replay cannot go on\n")
    sys.stderr.flush()
    os._exit(1)


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


async def replay_recorded(
    history: History,
    workflow_cls: type,
    *,
    setup: WorkerSetup = DEFAULT_SETUP,
    user_roots: tuple[str, ...] = (),
    stops: StopHooks | None = None,
    track_next_lines: bool = True,
    deadlock_timeout: float | None = DEFAULT_DEADLOCK_TIMEOUT,
    paused: Callable[[], bool] = _never,
    progress: Callable[[int], None] | None = None,
) -> RawReplay:
    """Replay ``history`` in debug mode and return the recording and the SDK's verdict.

    ``setup`` is what the user's worker was given (plugins, interceptors, converter...);
    ``stops`` hears of every job and command (a debugger stops there). A workflow task that
    runs ``deadlock_timeout`` seconds without yielding (time ``paused`` says a debugger holds
    it does not count) fails with :class:`WorkflowDeadlock` at the line it spins on.
    ``progress`` hears each workflow task's history length as the replay reaches it.
    """
    if not SUPPORTED:
        raise ReplaydbgError(
            f"temporalio {temporalio_version} no longer has the workflow-instance internals "
            "replaydbg records through (_apply, _add_command, call_soon, _run_once)",
            hint="install a temporalio release replaydbg is tested with (1.29 to 1.35)",
        )
    recording = Recording(on_activation=progress)
    user_code = UserCode(user_roots, setup.machinery_files(workflow_cls))
    ReplayContext.recording, ReplayContext.user_code = recording, user_code
    ReplayContext.stops = stops
    ReplayContext.track_next_lines = track_next_lines
    sdk_log = logging.getLogger(SDK_INSTANCE_LOGGER)
    capture = TaskFailureCapture()
    sdk_log.addFilter(capture)
    # The capture sees the SDK's record only if the record is made: whatever the logging
    # configuration, let WARNING through on this logger while the replay runs.
    level = sdk_log.level
    if not sdk_log.isEnabledFor(logging.WARNING):
        sdk_log.setLevel(logging.WARNING)
    watchdog = (DeadlockWatchdog(deadlock_timeout, user_code, paused=paused,
                                 on_stuck=_blocked_for_good)
                if deadlock_timeout else contextlib.nullcontext())
    try:
        replayer = Replayer(
            workflows=[workflow_cls],
            **setup.replayer_arguments(),
            # Debug mode runs activations inline with no deadlock timeout: needed to pause
            # in a debugger, and it keeps replay on one thread.
            debug_mode=True,
            runtime=quiet_runtime(),
        )
        try:
            with watchdog:
                result = await replayer.replay_workflow(
                    history.to_workflow_history(), raise_on_replay_failure=False
                )
        except RuntimeError as err:
            if not str(err).startswith("Failed validating workflow"):
                raise
            raise validation_error(err) from err
    finally:
        sdk_log.removeFilter(capture)
        sdk_log.setLevel(level)
        ReplayContext.recording = ReplayContext.user_code = None
        ReplayContext.stops = None
        ReplayContext.track_next_lines = True
    return RawReplay(recording, result.replay_failure)


def validation_error(err: RuntimeError) -> WorkerSetupError:
    """The SDK could not load the workflow in its sandbox: say why and what lifts it.

    The SDK says only "Failed validating workflow X"; the cause (a restricted call at import
    time, most often) is chained.
    """
    cause = err.__cause__ or err
    text = f"{type(cause).__name__}: {cause}".strip()
    if type(cause).__name__ == "RestrictedWorkflowAccessError":
        hint = ("if the worker runs with a plugin or passthrough modules that lift this "
                "restriction, give them: --plugin MODULE:ATTR or --passthrough MODULE (or "
                "[tool.replaydbg] plugins / passthrough_modules in pyproject.toml); otherwise "
                "the worker fails the same way: move that code out of import time")
    elif (culprit := import_culprit(cause)) is not None:
        text += f"\n    raised importing {culprit.package} ({culprit.where})"
        hint = (f"{culprit.package} cannot be imported again inside the sandbox (packages with "
                "native code often cannot); if the worker passes it through, give the same: "
                f"--passthrough {culprit.package} (or [tool.replaydbg] passthrough_modules, or "
                "the worker's --plugin MODULE:ATTR); otherwise the worker fails the same way: "
                "import it under workflow.unsafe.imports_passed_through()")
    else:
        hint = "fix the error above in the workflow's module, or give the worker's plugins"
    return WorkerSetupError(f"{err}: the sandbox could not load the workflow's module:\n"
                            f"    {text}", hint=hint)
