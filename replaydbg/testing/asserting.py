"""``assert_replays``: a replay test in one line, with the worker's setup as the worker has it.

Temporal's docs teach replay tests as ``Replayer(workflows=[W]).replay_workflow(history)``,
which fails with the SDK's message alone (``Nondeterminism error: Activity type of scheduled
event 'send_email' does not match ...``). This helper replays through replaydbg instead, so
the failing test names the line of the workflow that issued the command and the history event
it contradicts. The setup arguments are the ``Replayer``'s own, with the SDK's own types.
"""

from __future__ import annotations

import inspect
from collections.abc import Sequence
from pathlib import Path

from temporalio.converter import DataConverter
from temporalio.plugin import SimplePlugin
from temporalio.worker import Interceptor, Plugin, WorkflowRunner

from replaydbg.errors import WorkflowDiscoveryError
from replaydbg.replay.discovery import handles, workflow_name
from replaydbg.replay.engine import DEFAULT_DEADLOCK_TIMEOUT
from replaydbg.replay.report import ReplayReport
from replaydbg.replay.setup import WorkerSetup
from replaydbg.testing.histories import HistoryLike, as_history
from replaydbg.testing.verdict import replay_checked
from replaydbg.testing.warning import warn_about


def assert_replays(
    history: HistoryLike,
    workflow: type,
    *,
    plugins: Sequence[Plugin] = (),
    interceptors: Sequence[Interceptor] = (),
    data_converter: DataConverter | None = None,
    workflow_failure_exception_types: Sequence[type[BaseException]] = (),
    workflow_runner: WorkflowRunner | None = None,
    deadlock_timeout: float | None = DEFAULT_DEADLOCK_TIMEOUT,
) -> ReplayReport:
    """Replay ``history`` against ``workflow``; ``AssertionError`` unless it replays.

    ``history`` is a path (any format ``replaydbg replay`` reads), JSON text or bytes, a
    JSON dict, or a ``temporalio.client.WorkflowHistory``. The other arguments are what the
    worker was given, as ``Replayer`` takes them. The error's message is replaydbg's
    explanation (the outcome, the workflow's file:line, the history event against the
    command); it is a :class:`~replaydbg.testing.verdict.ReplayFailed` whose ``report``
    holds the rest. A replay with warnings passes, and each warning is a
    :class:`~replaydbg.testing.ReplayWarning`. A history that cannot be loaded, or a class
    that is not the history's workflow type, raises the :class:`~replaydbg.errors.InputError`
    that says so. Callable from synchronous and ``async`` tests alike.
    """
    loaded = as_history(history)
    _check_type(workflow, loaded.workflow_type)
    # A runner given to a Replayer is the one its plugins see first: a plugin in front of the
    # user's does the same (replaydbg's recording plugin then wraps what they leave).
    runner = () if workflow_runner is None else (
        SimplePlugin("replaydbg.testing.workflow_runner", workflow_runner=workflow_runner),)
    setup = WorkerSetup((*runner, *plugins), tuple(interceptors), data_converter,
                        tuple(workflow_failure_exception_types))
    report = replay_checked(loaded, workflow, setup=setup, user_roots=_own_folder(workflow),
                            deadlock_timeout=deadlock_timeout)
    warn_about(report)
    return report


def _check_type(workflow: type, history_type: str) -> None:
    name = workflow_name(workflow) if isinstance(workflow, type) else None
    if name is None:
        raise WorkflowDiscoveryError(f"{workflow!r} is not a @workflow.defn class",
                                     hint="pass the workflow class that recorded the history")
    if not handles(name, history_type):
        raise WorkflowDiscoveryError(
            f"{workflow.__qualname__} is workflow type {name!r}, but the history is of type "
            f"{history_type!r}", hint="replay the history with the workflow class that recorded it")


def _own_folder(workflow: type) -> tuple[str, ...]:
    """The workflow's folder: its code is the user's even when installed in site-packages."""
    try:
        return (str(Path(inspect.getfile(workflow)).resolve().parent),)
    except (TypeError, OSError):
        return ()
