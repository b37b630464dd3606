"""The hooks that run inside the replayed workflow: a recording workflow instance.

``RecordingWorkflowRunner`` is handed to the SDK as the sandbox's ``runner_class`` (or used
directly when the sandbox is off). Its instances are the SDK's own workflow instance with four
hooks:

* ``activate``: starts and closes an :class:`ActivationRecord` per activation;
* ``_apply``: records each job and takes ownership of the event-loop handles the job made
  ready, so that the first user frame those handles (or anything they schedule) enter is
  that job's "next line";
* ``call_soon``: passes ownership on to handles scheduled while an owned handle runs;
* ``_add_command``: records the innermost user frame that issued each command;
* ``workflow_get_update_handler``: remembers the line where each update handler returned or
  raised (the SDK answers the update after the handler's frame is gone).

``_apply`` and ``_add_command`` are private SDK methods: :data:`SUPPORTED` guards them and a
test fails loudly when a new temporalio release renames them. This module must be a sandbox
pass-through module (the engine arranges it) so that the sandbox uses this very class.
"""

from __future__ import annotations

import asyncio
import contextvars
import inspect
import logging
import sys
import threading
import time
import weakref
from collections.abc import Callable
from types import FrameType, TracebackType
from typing import Any, Protocol

from temporalio.bridge.proto.workflow_activation import WorkflowActivation, WorkflowActivationJob
from temporalio.bridge.proto.workflow_commands import WorkflowCommand
from temporalio.bridge.proto.workflow_completion import WorkflowActivationCompletion
from temporalio.worker import (
    UnsandboxedWorkflowRunner,
    WorkflowInstance,
    WorkflowInstanceDetails,
)
from temporalio.worker._workflow_instance import _WorkflowInstanceImpl

from replaydbg.replay.entrywatch import EntryWatch
from replaydbg.replay.recorder import ActivationRecord, CommandRecord, JobRecord, Recording
from replaydbg.replay.source import SourceLocation, UserCode, frame_location

#: The private SDK members the hooks override; checked at import and by a test.
SUPPORTED = all(callable(getattr(_WorkflowInstanceImpl, name, None))
                for name in ("_apply", "_add_command", "call_soon", "_run_once",
                             "workflow_get_update_handler"))
_CANCEL_COMMANDS = frozenset({
    "request_cancel_activity", "cancel_timer", "cancel_child_workflow_execution",
    "request_cancel_external_workflow_execution", "request_cancel_local_activity",
    "request_cancel_nexus_operation",
})
_FALLBACK_COMMANDS = _CANCEL_COMMANDS | {
    "continue_as_new_workflow_execution", "fail_workflow_execution", "cancel_workflow_execution",
}


def _always() -> int:
    return 1


class StopHooks(Protocol):
    """Where a debugger hears of each job and command, to stop the replay there."""

    def after_job(self, activation: int, position: int,
                  waiting: Callable[[], list[FrameType]]) -> None:
        """A job was applied; user code for it runs next.

        ``waiting`` lists the suspended user coroutine frames that may resume now.
        """

    def at_command(self, activation: int, position: int, frame: FrameType) -> None:
        """The user line in ``frame`` is issuing the command at ``position``."""

    def workflow_code(self, running: bool) -> None:
        """Workflow code may run from now on (True), or not before the next activation.

        Between activations only the SDK and the core run: a debugger can stop watching.
        """

    def task_failed(self, activation: int, error: BaseException) -> None:
        """The activation failed with ``error`` (its traceback still holds the user frames).

        Called before the SDK completes the activation: a debugger can stop post mortem.
        """

    def raised_command(self, activation: int, position: int, error: BaseException) -> None:
        """The SDK issues the command at ``position`` because the user's code raised ``error``.

        A continue-as-new, the workflow's failure or its cancellation: no user frame is on
        the stack any more, but the traceback still holds the raising line.
        """


class NoStops:
    """Stop hooks that stop nowhere: a base for hooks that need only some of them."""

    def after_job(self, activation: int, position: int,
                  waiting: Callable[[], list[FrameType]]) -> None:
        """Nothing to do after a job."""

    def at_command(self, activation: int, position: int, frame: FrameType) -> None:
        """Nothing to do at a command."""

    def workflow_code(self, running: bool) -> None:
        """Nothing to do when workflow code may run, or may not."""

    def task_failed(self, activation: int, error: BaseException) -> None:
        """Nothing to do when the task fails (the recording keeps the failure)."""

    def raised_command(self, activation: int, position: int, error: BaseException) -> None:
        """Nothing to do for a command issued for a raise (the command records it)."""


class ReplayContext:
    """Where the instance of the replay in progress records (one replay at a time)."""

    recording: Recording | None = None
    user_code: UserCode | None = None
    stops: StopHooks | None = None
    #: The workflow instance of the activation running now (a debugger freezes it while the
    #: user evaluates expressions, see :meth:`RecordingWorkflowInstance.frozen`).
    instance: RecordingWorkflowInstance | None = None
    #: Find each job's next user line (the event map needs it; a debug session that already
    #: has the map does not, and saves the cost of watching calls under a debugger).
    track_next_lines: bool = True
    #: When the activation running now started (``time.monotonic()``) and on which thread;
    #: None between activations. The deadlock watchdog reads these.
    activation_started: float | None = None
    activation_thread: int | None = None


#: The SDK logs every failed activation here, with the exception, before completing it.
SDK_INSTANCE_LOGGER = "temporalio.worker._workflow_instance"


class TaskFailureCapture(logging.Filter):
    """Takes the SDK's "Failed activation" record: the exception is ours to report.

    The record is the only place the SDK hands out the exception that failed the task (a
    raise in a signal handler never reaches ``_current_activation_error``); it is dropped,
    since replaydbg reports the failure itself, located in the user's code.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        """False (drop) for a failed activation of the replay in progress."""
        instance = ReplayContext.instance
        if (instance is None or not record.exc_info
                or getattr(record, "__temporal_error_identifier", None) != "WorkflowTaskFailure"):
            return True
        if record.exc_info[1] is None:
            return True
        instance.task_failed(record.exc_info[1])
        return False


class RecordingWorkflowInstance(_WorkflowInstanceImpl):
    """The SDK's workflow instance, plus recording of jobs, commands and user lines."""

    def __init__(self, det: WorkflowInstanceDetails) -> None:
        recording, user_code = ReplayContext.recording, ReplayContext.user_code
        if recording is None or user_code is None:  # a runner used outside an engine replay
            recording, user_code = Recording(), UserCode()
        self._rd_recording = recording
        self._rd_user = user_code
        self._rd_activation: ActivationRecord | None = None
        self._rd_cause: JobRecord | None = None  # owner of the code running right now
        self._rd_unresolved = 0  # jobs still looking for their next user line
        self._rd_sites: list[SourceLocation | None] = []
        #: Per command, the line to use when no user frame issued it: the line that raised
        #: the exception being handled, or that woke (cancelled) the running task.
        self._rd_fallbacks: list[SourceLocation | None] = []
        #: Per command, the user line that started the task issuing it (see CommandRecord).
        self._rd_started: list[SourceLocation | None] = []
        #: Per command: issued by a user line ("line"), for a raise in user code ("raise").
        self._rd_issued: list[str] = []
        #: Per command, where the update handler it answers returned or raised.
        self._rd_handler_ends: list[SourceLocation | None] = []
        #: Per task running an update handler: where the handler returned or raised, until
        #: the SDK issues the update's response command in that task.
        self._rd_ended: dict[asyncio.Task[Any], SourceLocation] = {}
        self._rd_call_watches: list[_FirstUserCall] = []
        #: The user line that created each task (inherited by the tasks it creates).
        self._rd_task_starts: weakref.WeakKeyDictionary[asyncio.Task[Any], SourceLocation] = \
            weakref.WeakKeyDictionary()
        self._rd_woken_by: dict[asyncio.Task[Any], SourceLocation] = {}
        self._rd_watch = EntryWatch(user_code, self._on_user_entry)
        self._rd_init_job: JobRecord | None = None
        self._rd_boundary: FrameType | None = None
        self._rd_batch = 0  # runs of the event loop so far in this activation
        self._rd_error: BaseException | None = None
        #: Where the task being resumed for a searching job goes on (see _chain_end).
        self._rd_resumes_at: SourceLocation | None = None
        super().__init__(det)

    def activate(self, act: WorkflowActivation) -> WorkflowActivationCompletion:
        """Record the activation around the SDK's own processing of it."""
        record = self._rd_recording.new_activation(act.history_length, act.is_replaying)
        self._rd_activation = record
        ReplayContext.instance = self
        self._rd_sites = []
        self._rd_fallbacks = []
        self._rd_started = []
        self._rd_handler_ends = []
        self._rd_issued = []
        self._rd_woken_by = {}
        self._rd_unresolved = 0
        self._rd_init_job = None
        self._rd_error = None
        self._rd_batch = 0
        self._rd_boundary = sys._getframe()
        stops = ReplayContext.stops
        if stops is not None:
            stops.workflow_code(True)
        ReplayContext.activation_thread = threading.get_ident()
        ReplayContext.activation_started = time.monotonic()
        try:
            completion: WorkflowActivationCompletion = super().activate(act)
        finally:
            ReplayContext.activation_started = None
            self._rd_watch.stop()
            for watch in self._rd_call_watches:  # a handler that never reached user code
                watch.stop()
            self._rd_cause = None
            if stops is not None:
                stops.workflow_code(False)
        self._close_activation(record, completion)
        return completion

    def freeze(self) -> tuple[bool, Any]:
        """Make the workflow read-only while a debugger evaluates user expressions.

        Commands, timers, tasks and ``workflow.random()`` then raise; the return value is
        what :meth:`thaw` needs to undo it. The random generator's state is restored too: an
        expression can still reach it through an object the workflow kept (``self.rng``).
        """
        saved = (self._read_only, self._random.getstate())
        self._read_only = True
        return saved

    def thaw(self, saved: tuple[bool, Any]) -> None:
        """Undo :meth:`freeze`."""
        self._read_only = saved[0]
        self._random.setstate(saved[1])

    def _close_activation(
        self, record: ActivationRecord, completion: WorkflowActivationCompletion
    ) -> None:
        sites, fallbacks, started = self._rd_sites, self._rd_fallbacks, self._rd_started
        ends, issued = self._rd_handler_ends, self._rd_issued
        for index, command in enumerate(completion.successful.commands):
            site = sites[index] if index < len(sites) else None
            if site is None and command.WhichOneof("variant") in _FALLBACK_COMMANDS:
                # The SDK issues these with no user frame on the stack: a cancellation when
                # the cancelled task next runs (the user line is the one that cancelled it),
                # continue-as-new or a failure from the exception the user code raised.
                site = fallbacks[index] if index < len(fallbacks) else None
            # A copy: the worker encodes the completion in place afterwards (payload codec),
            # and the record must keep what the code issued.
            record.commands.append(CommandRecord(
                _copied(command), site, index,
                started[index] if site is None and index < len(started) else None,
                ends[index] if index < len(ends) else None,
                issued[index] if index < len(issued) else ""))
        if completion.HasField("failed"):
            record.failure = completion.failed.failure.message
            error = self._rd_error or getattr(self, "_current_activation_error", None)
            if isinstance(error, BaseException):
                record.failure_type = type(error).__name__
                record.failure_cause = _root_cause(error)
                record.failure_traceback = self._user_traceback(error.__traceback__)
                record.failure_site = (record.failure_traceback[-1]
                                       if record.failure_traceback else None)
        record.waiting_at = self._waiting_locations()

    def task_failed(self, error: BaseException) -> None:
        """The SDK is failing this activation with ``error`` (see TaskFailureCapture)."""
        self._rd_error = error
        stops = ReplayContext.stops
        if stops is not None and self._rd_activation is not None:
            stops.task_failed(self._rd_activation.index, error)

    def _apply(self, job: WorkflowActivationJob) -> None:
        assert self._rd_activation is not None
        record = JobRecord(job, len(self._rd_activation.jobs), batch=self._rd_batch)
        self._rd_activation.jobs.append(record)
        before = len(self._ready)
        self._rd_cause = record
        try:
            super()._apply(job)
        finally:
            self._rd_cause = None
        if job.HasField("initialize_workflow"):
            # ``__init__`` of the workflow class runs at the start of the first run-once,
            # outside any handle: it belongs to this job.
            self._rd_init_job = record
            self._begin_search(record)
        ready = self._ready
        for position in range(before, len(ready)):
            if getattr(ready[position], "_callback", None) != self._run_owned:  # not ours yet
                ready[position] = self._owned(ready[position], record)
        stops = ReplayContext.stops
        if stops is not None:
            stops.after_job(self._rd_activation.index, record.index, self._waiting_frames)

    def _run_once(self, *args: Any, **kwargs: Any) -> None:
        """Run the code the jobs applied so far woke; the next jobs form another batch."""
        try:
            super()._run_once(*args, **kwargs)
        finally:
            self._rd_batch += 1

    def call_soon(  # type: ignore[override]
        self,
        callback: Callable[..., object],
        *args: Any,
        context: contextvars.Context | None = None,
    ) -> asyncio.Handle:
        """Schedule as the SDK does; hand the current owner on to the new handle."""
        handle: asyncio.Handle = super().call_soon(callback, *args, context=context)
        task = getattr(callback, "__self__", None)
        # Remember who woke a task being cancelled (``cancelling`` is 3.11+; 3.10 pays for
        # the frame walk on every task wake-up instead).
        if isinstance(task, asyncio.Task) and getattr(task, "cancelling", _always)():
            frame = self._rd_user.innermost_user_frame(sys._getframe(1), self._rd_boundary)
            if frame is not None:
                self._rd_woken_by[task] = frame_location(frame)
        owner = self._rd_cause
        if owner is not None and owner.searching and self._ready and \
                self._ready[-1] is handle:
            self._ready[-1] = self._owned(handle, owner)
        return handle

    def _owned(self, handle: asyncio.Handle, owner: JobRecord) -> asyncio.Handle:
        if owner.next_line is not None:
            return handle
        self._begin_search(owner)
        owner.live_handles += 1
        return asyncio.Handle(self._run_owned, (handle, owner), self, None)

    def _run_owned(self, handle: asyncio.Handle, owner: JobRecord) -> None:
        previous, self._rd_cause = self._rd_cause, owner
        if owner.searching:
            self._rd_resumes_at = self._chain_end(handle)
        try:
            handle._run()
        finally:
            self._rd_cause = previous
            self._rd_resumes_at = None
            owner.live_handles -= 1
            if owner.live_handles == 0 and owner.searching:
                # Nothing scheduled on the job's behalf is left: it never reached user code
                # (e.g. one of several activities a gather() still waits for).
                self._settle(owner)

    def _begin_search(self, owner: JobRecord) -> None:
        """Look for the job's first user line (the entry watch runs while any job looks)."""
        if not owner.searching and ReplayContext.track_next_lines:
            owner.searching = True
            self._rd_unresolved += 1
            self._rd_watch.start()

    def _settle(self, owner: JobRecord) -> None:
        owner.searching = False
        self._rd_unresolved -= 1
        if self._rd_unresolved <= 0:
            self._rd_watch.stop()

    def _add_command(self) -> WorkflowCommand:
        command: WorkflowCommand = super()._add_command()
        frame = self._rd_user.innermost_user_frame(sys._getframe(1), self._rd_boundary)
        self._rd_sites.append(frame_location(frame) if frame is not None else None)
        position = len(self._rd_sites) - 1
        stops = ReplayContext.stops
        activation = self._rd_activation
        fallback = started = ended = None
        issued = "line"
        if frame is not None:
            if stops is not None and activation is not None:
                stops.at_command(activation.index, position, frame)
        else:
            fallback = self._raise_site()
            issued = "raise" if fallback is not None else ""
            error = sys.exc_info()[1]
            if fallback is not None and error is not None and stops is not None \
                    and activation is not None:
                stops.raised_command(activation.index, position, error)
            running = asyncio.current_task(self)
            if fallback is None and running is not None:
                fallback = self._rd_woken_by.get(running)
            started = self._rd_task_starts.get(running) if running is not None else None
            ended = self._rd_ended.pop(running, None) if running is not None else None
        self._rd_fallbacks.append(fallback)
        self._rd_started.append(started)
        self._rd_handler_ends.append(ended)
        self._rd_issued.append(issued)
        return command

    def workflow_get_update_handler(self, name: str | None) -> Callable[..., Any] | None:
        """The SDK's handler, wrapped to remember the line where it returns or raises.

        Only while the event map is being built (a debug session has the map already and
        must not step through a wrapper).
        """
        handler: Callable[..., Any] | None = super().workflow_get_update_handler(name)
        if handler is None or not ReplayContext.track_next_lines:
            return handler
        if inspect.iscoroutinefunction(handler):
            return self._async_handler_watched(handler)
        return self._sync_handler_watched(handler)

    def _async_handler_watched(self, handler: Callable[..., Any]) -> Callable[..., Any]:
        async def watched(*args: Any) -> Any:
            # The SDK binds an async method in a coroutine of its own: the user's frame is
            # only found when that coroutine calls it.
            entered = self._watch_first_user_call()
            try:
                return await handler(*args)
            finally:
                self._handler_ended(entered)
        return watched

    def _sync_handler_watched(self, handler: Callable[..., Any]) -> Callable[..., Any]:
        def watched(*args: Any) -> Any:
            entered = self._watch_first_user_call()
            try:
                return handler(*args)
            finally:
                self._handler_ended(entered)
        return watched

    def _watch_first_user_call(self) -> _FirstUserCall:
        entered = _FirstUserCall(self._rd_user, self, asyncio.current_task(self))
        self._rd_call_watches.append(entered)
        entered.start()
        return entered

    def _handler_ended(self, entered: _FirstUserCall) -> None:
        """The handler's frame, though finished, still knows the last line it ran."""
        entered.stop()
        self._rd_call_watches.remove(entered)
        running = asyncio.current_task(self)
        if entered.frame is not None and running is not None:
            self._rd_ended[running] = frame_location(entered.frame)

    def create_task(
        self, coro: Any, *, name: str | None = None,
        context: contextvars.Context | None = None,
    ) -> asyncio.Task[Any]:
        """Create as the SDK does; remember the user line that started the task.

        Commands that library code issues in the task (no user frame on the stack then) are
        attributed to that line; a task created by such a task inherits it.
        """
        task: asyncio.Task[Any] = super().create_task(coro, name=name, context=context)
        frame = self._rd_user.innermost_user_frame(sys._getframe(1), self._rd_boundary)
        if frame is not None:
            self._rd_task_starts[task] = frame_location(frame)
        else:
            parent = asyncio.current_task(self)
            inherited = self._rd_task_starts.get(parent) if parent is not None else None
            if inherited is not None:
                self._rd_task_starts[task] = inherited
        return task

    def _raise_site(self) -> SourceLocation | None:
        """The innermost user line of the exception being handled, if any."""
        return self._traceback_site(sys.exc_info()[2])

    def _traceback_site(self, tb: TracebackType | None) -> SourceLocation | None:
        """The innermost user line of a traceback."""
        frames = self._user_traceback(tb)
        return frames[-1] if frames else None

    def _user_traceback(self, tb: TracebackType | None) -> list[SourceLocation]:
        """The user lines of a traceback, outermost first."""
        found = []
        while tb is not None:
            if self._rd_user.is_user_file(tb.tb_frame.f_code.co_filename):
                code = tb.tb_frame.f_code
                found.append(SourceLocation(code.co_filename, tb.tb_lineno, code.co_name))
            tb = tb.tb_next
        return found

    # -- the first user line per job ----------------------------------------------------

    def _on_user_entry(self, location: SourceLocation, resumed: bool) -> None:
        owner = self._rd_cause or self._rd_init_job
        if owner is None or not owner.searching:
            return
        if resumed and self._rd_resumes_at is not None:
            location = self._rd_resumes_at
        owner.next_line, owner.resumed = location, resumed
        self._settle(owner)

    def _chain_end(self, handle: asyncio.Handle) -> SourceLocation | None:
        """Where a task about to resume goes on: the innermost user frame of its chain.

        A chain resumes from its outermost coroutine (``run`` at ``await self.helper()``)
        down to the one whose awaitable completed (the helper's ``await`` of the activity):
        the first user frame to resume is the outermost, but the user's code goes on in the
        innermost. Only now, before the task runs, is the whole ``await`` chain visible.
        """
        task = getattr(getattr(handle, "_callback", None), "__self__", None)
        if not isinstance(task, asyncio.Task):
            return None
        frames = self._user_frames(task.get_coro())
        return frame_location(frames[-1]) if frames else None

    def _waiting_locations(self) -> list[SourceLocation]:
        """Where each pending user coroutine chain waits: its innermost user frame."""
        found = []
        for task in list(self._tasks):
            if not task.done():
                frames = self._user_frames(task.get_coro())
                if frames:
                    found.append(frame_location(frames[-1]))
        return found

    def _waiting_frames(self) -> list[FrameType]:
        """Every suspended user frame in the workflow's pending coroutine chains."""
        return [frame for task in list(self._tasks) for frame in self._user_frames(task.get_coro())]

    def _user_frames(self, awaitable: Any) -> list[FrameType]:
        """The user frames along a coroutine's ``await`` chain, outermost first."""
        frames = []
        while awaitable is not None:
            frame = getattr(awaitable, "cr_frame", None) or getattr(awaitable, "gi_frame", None)
            if frame is not None and self._rd_user.is_user_file(frame.f_code.co_filename):
                frames.append(frame)
            awaitable = getattr(awaitable, "cr_await", None) or getattr(
                awaitable, "gi_yieldfrom", None)
        return frames


class _FirstUserCall:
    """Catches the frame of the first user function a task calls while it watches.

    A profile hook from the start of an update handler to its first user call: the frame is
    kept so that its last line can be read once the handler has finished. It hands every
    event on to the hook it replaced (a debugger's or the entry watch's) and puts that hook
    back at once, so the handler itself runs unwatched.
    """

    def __init__(self, user_code: UserCode, loop: asyncio.AbstractEventLoop,
                 task: asyncio.Task[Any] | None) -> None:
        self._user = user_code
        self._loop = loop
        self._task = task
        self._previous: Any = None
        self._watching = False
        self.frame: FrameType | None = None

    def start(self) -> None:
        self._previous = sys.getprofile()
        self._watching = True
        sys.setprofile(self._profile)

    def stop(self) -> None:
        if self._watching:
            self._watching = False
            if sys.getprofile() == self._profile:  # not replaced meanwhile
                sys.setprofile(self._previous)

    def _profile(self, frame: FrameType, event: str, arg: Any) -> None:
        previous = self._previous
        if (event == "call" and self._user.is_user_file(frame.f_code.co_filename)
                and asyncio.current_task(self._loop) is self._task):
            self.frame = frame
            self.stop()
        if previous is not None:
            previous(frame, event, arg)


class RecordingWorkflowRunner(UnsandboxedWorkflowRunner):
    """Creates :class:`RecordingWorkflowInstance`; usable as the sandbox's runner class."""

    def create_instance(self, det: WorkflowInstanceDetails) -> WorkflowInstance:
        """Implements :py:meth:`WorkflowRunner.create_instance`."""
        # Abstract only on paper: the loop methods the SDK does not implement raise anyway.
        return RecordingWorkflowInstance(det)  # type: ignore[abstract]


def _root_cause(error: BaseException) -> str | None:
    """The innermost exception ``error`` was raised from or while handling, as text."""
    cause, seen = error, {id(error)}
    while True:
        inner = cause.__cause__ or (None if cause.__suppress_context__ else cause.__context__)
        if inner is None or id(inner) in seen:
            break
        cause = inner
        seen.add(id(cause))
    return None if cause is error else f"{type(cause).__name__}: {cause}"


def _copied(command: WorkflowCommand) -> WorkflowCommand:
    copy = WorkflowCommand()
    copy.CopyFrom(command)
    return copy
