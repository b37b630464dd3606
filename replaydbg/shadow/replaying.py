"""Replay many histories in one process, importing the workflow code once.

Each workflow type gets one :class:`temporalio.worker.Replayer`, configured exactly as the
worker's (plugins, interceptors, converter, sandbox), and a batch of histories goes through
one replay iterator: the SDK's own batch API, at its speed. Only the histories that do not
replay are replayed again with replaydbg's recording runtime, to say where and why
(``thorough`` replays every one that way, to also get the warnings of checks the SDK does
not make).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from temporalio.client import WorkflowHistory
from temporalio.runtime import Runtime
from temporalio.worker import Replayer

from replaydbg.errors import ReplaydbgError
from replaydbg.history import History, load_history
from replaydbg.project.codec import codec_options_from_json, with_codec_server
from replaydbg.project.specs import SetupSpecs
from replaydbg.replay import ReplayReport, find_workflow, replay_history
from replaydbg.replay.discovery import ensure_import_path, user_roots
from replaydbg.replay.engine import quiet_runtime, validation_error
from replaydbg.replay.report import NONDETERMINISM, OK
from replaydbg.replay.runtime import SDK_INSTANCE_LOGGER
from replaydbg.replay.setup import WorkerSetup
from replaydbg.shadow.outcome import FAILED, Outcome

logger = logging.getLogger(__name__)

#: Seconds a workflow task may run without yielding on a worker (the SDK's fixed value).
WORKER_DEADLOCK_TIMEOUT = 2.0


@dataclass(frozen=True)
class ReplayOptions:
    """What every replaying process needs to replay as the user's worker does (JSON-able)."""

    workflows: tuple[str, ...] = ()
    setup: Mapping[str, Any] = field(default_factory=dict)  # SetupSpecs.to_json()
    codec: Mapping[str, Any] | None = None  # codec_options_json()
    thorough: bool = False
    #: The explanation replay's deadlock detection; by default the worker's own (2 s).
    deadlock_timeout: float | None = WORKER_DEADLOCK_TIMEOUT

    def to_json(self) -> dict[str, Any]:
        """For a pool worker's start, or a shadowing workflow's input."""
        return {"workflows": list(self.workflows), "setup": dict(self.setup),
                "codec": self.codec, "thorough": self.thorough,
                "deadlockTimeout": self.deadlock_timeout}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ReplayOptions:
        """The inverse of :meth:`to_json`."""
        return cls(tuple(data.get("workflows") or ()), dict(data.get("setup") or {}),
                   data.get("codec"), bool(data.get("thorough")),
                   data.get("deadlockTimeout", WORKER_DEADLOCK_TIMEOUT))


#: The SDK's logger of a failed activation (any exception, a deadlock included)...
WORKER_LOGGER = "temporalio.worker._workflow"
#: ...and of the workflow code's own exception that fails the task.
_FAILED_ACTIVATION = "Failed handling activation"
#: The SDK's records of an eviction that did not go through at once (it retries). After a
#: failed task, a deadlock above all, they are its echo: the SDK interrupts the spinning
#: thread, and an eviction that runs before the interrupted task unwinds finds it pending.
_EVICTION_RETRIES = ("Failed running eviction job", "Timed out running eviction job")


@dataclass(frozen=True)
class HistoryRef:
    """A history file to replay, and what the report calls it.

    A fetched history is kept as binary protobuf, which has no room for the workflow id:
    it travels beside the file.
    """

    path: str
    workflow_id: str | None = None
    #: How the report names it (default: the path).
    source: str | None = None

    def to_json(self) -> dict[str, Any]:
        """For a pool worker or an activity."""
        return {"path": self.path, "workflowId": self.workflow_id, "source": self.source}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> HistoryRef:
        """The inverse of :meth:`to_json`."""
        return cls(str(data["path"]), data.get("workflowId"), data.get("source"))

    def load(self) -> History:
        """The history, named as the report shows it."""
        history = load_history(self.path, workflow_id=self.workflow_id)
        return replace(history, source=self.source) if self.source else history


class _TaskFailures(logging.Filter):
    """Notes the SDK's "failed activation" records: the SDK calls such a replay a success.

    A workflow task that raises or deadlocks is retried for ever in production (a stuck
    workflow); the replay it makes is what shadowing is for, so it must not pass. The records
    are dropped: the explanation replay reports the failure, located in the user's code.
    """

    def __init__(self) -> None:
        super().__init__()
        self.seen = False

    def filter(self, record: logging.LogRecord) -> bool:
        message = str(record.msg)
        if (getattr(record, "__temporal_error_identifier", None) == "WorkflowTaskFailure"
                or message.startswith(_FAILED_ACTIVATION)):
            self.seen = True
            return False
        if self.seen and message.startswith(_EVICTION_RETRIES):
            logger.debug("the SDK retries the eviction of a failed task: %s",
                         record.getMessage().split(",")[0])
            return False
        return True


def load_ref(ref: HistoryRef | str) -> History | Outcome:
    """The history a file holds, or the outcome that says why it is none."""
    ref = HistoryRef(ref) if isinstance(ref, str) else ref
    try:
        return ref.load()
    except ReplaydbgError as err:
        return Outcome.unusable(ref.source or ref.path, err)


class BatchReplayer:
    """Replays batches of history files; the workflow code and the setup load once."""

    def __init__(self, options: ReplayOptions) -> None:
        self.options = options
        ensure_import_path()
        self._setup: WorkerSetup | None = None
        self._setup_error: ReplaydbgError | None = None
        self._classes: dict[str, type | ReplaydbgError] = {}
        self._runtime: Runtime | None = None
        # One batch at a time: a recording replay keeps its recording in process-wide state,
        # and the one-process pool hands batches over from concurrent tasks of one loop.
        self._busy = asyncio.Lock()
        try:
            specs = SetupSpecs.from_json(options.setup)
            specs.add_import_paths()
            self._setup, _ = with_codec_server(specs.resolve(),
                                               codec_options_from_json(options.codec))
        except ReplaydbgError as err:  # every history is unusable, each says why
            self._setup_error = err

    async def replay_files(self, refs: Iterable[HistoryRef | str]) -> list[Outcome]:
        """The outcome of each history file, in order."""
        return await self.replay([load_ref(ref) for ref in refs])

    async def replay(self, histories: list[History | Outcome]) -> list[Outcome]:
        """The outcome of each history (an :class:`Outcome` given stands for itself)."""
        async with self._busy:
            return await self._replay(histories)

    async def _replay(self, histories: list[History | Outcome]) -> list[Outcome]:
        results: list[Outcome | None] = [h if isinstance(h, Outcome) else None
                                         for h in histories]
        by_type: dict[str, list[int]] = {}
        for index, history in enumerate(histories):
            if isinstance(history, History):
                by_type.setdefault(history.workflow_type, []).append(index)
        for workflow_type, indexes in by_type.items():
            group = [histories[i] for i in indexes]
            for index, outcome in zip(indexes, await self._replay_type(workflow_type, group),
                                      strict=True):
                results[index] = outcome
        return [r for r in results if r is not None]

    async def _replay_type(self, workflow_type: str, group: list[Any]) -> list[Outcome]:
        histories: list[History] = group
        found = self._setup_error or self._workflow_class(workflow_type)
        if isinstance(found, ReplaydbgError):
            return [_unusable(h, found) for h in histories]
        assert self._setup is not None
        if self.options.thorough:
            return [await self._explain(h, found) for h in histories]
        try:
            verdicts = await self._verdicts(found, histories)
        except ReplaydbgError as err:
            return [_unusable(h, err) for h in histories]
        return [_passed(h) if ok else await self._explain(h, found)
                for h, ok in zip(histories, verdicts, strict=True)]

    def _workflow_class(self, workflow_type: str) -> type | ReplaydbgError:
        if workflow_type not in self._classes:
            try:
                self._classes[workflow_type] = find_workflow(list(self.options.workflows),
                                                             workflow_type).cls
            except ReplaydbgError as err:
                self._classes[workflow_type] = err
        return self._classes[workflow_type]

    async def _verdicts(self, cls: type, histories: list[History]) -> list[bool]:
        """Whether each history replays, by the SDK's batch replay (the worker's own setup)."""
        assert self._setup is not None
        if self._runtime is None:
            self._runtime = quiet_runtime()
        replayer = Replayer(workflows=[cls], runtime=self._runtime,
                            **self._setup.worker_replayer_arguments())
        failures = _TaskFailures()
        loggers = [logging.getLogger(SDK_INSTANCE_LOGGER), logging.getLogger(WORKER_LOGGER)]
        for sdk_log in loggers:
            sdk_log.addFilter(failures)
        verdicts: list[bool] = []

        async def feed() -> AsyncIterator[WorkflowHistory]:
            for history in histories:
                failures.seen = False
                yield history.to_workflow_history()

        try:
            async with replayer.workflow_replay_iterator(feed()) as results:
                async for result in results:
                    verdicts.append(result.replay_failure is None and not failures.seen)
        except RuntimeError as err:
            if not str(err).startswith("Failed validating workflow"):
                raise
            raise validation_error(err) from err
        finally:
            for sdk_log in loggers:
                sdk_log.removeFilter(failures)
        # A replay iterator that ended early (its worker failed) judged nothing after that:
        # those histories get the explanation replay.
        return verdicts + [False] * (len(histories) - len(verdicts))

    async def _explain(self, history: History, cls: type) -> Outcome:
        """Replay again, recording: where the code and the history part, and why."""
        assert self._setup is not None
        try:
            report = await replay_history(history, cls, setup=self._setup,
                                          user_roots=user_roots(list(self.options.workflows)),
                                          deadlock_timeout=self.options.deadlock_timeout)
        except ReplaydbgError as err:
            return _unusable(history, err)
        return outcome_of(report)


def _of(history: History, outcome: Outcome) -> Outcome:
    """``outcome``, naming the execution ``history`` is of."""
    return replace(outcome, workflow_id=history.workflow_id, run_id=history.run_id,
                   workflow_type=history.workflow_type)


def _unusable(history: History, err: ReplaydbgError) -> Outcome:
    return _of(history, Outcome.unusable(history.source, err))


def _passed(history: History) -> Outcome:
    return _of(history, Outcome(history.source, OK))


def outcome_of(report: ReplayReport) -> Outcome:
    """A report, reduced to what a shadow report shows."""
    history = report.history
    base = _of(history, Outcome(history.source, OK, warnings=tuple(report.warnings)))
    if report.status == OK:
        return base
    divergence = report.divergence
    if report.status == NONDETERMINISM and divergence is not None:
        line = divergence.line
        return replace(base, status=NONDETERMINISM, message=divergence.message,
                       path=line.file if line else "", line=line.line if line else 0,
                       function=line.function if line else "", kind=divergence.kind,
                       event=divergence.event or "", command=divergence.command or "",
                       event_id=divergence.event_id or 0)
    check = report.task_failure
    activation = check.activation if check is not None else None
    if check is not None and activation is not None and activation.failure_type:
        site = activation.failure_site
        return replace(base, status=FAILED,
                       message=f"{activation.failure_type}: {activation.failure}",
                       hint=check.hint or "", path=site.file if site else "",
                       line=site.line if site else 0, function=site.function if site else "",
                       kind=activation.failure_type, event_id=activation.history_length)
    status = NONDETERMINISM if report.status == NONDETERMINISM else FAILED
    return replace(base, status=status,
                   message=(report.error or "the replay failed").splitlines()[0][:300])
