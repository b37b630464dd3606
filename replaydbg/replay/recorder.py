"""What one replay did, activation by activation: jobs applied, commands issued, user lines.

This is raw material, recorded while the workflow runs and kept cheap (references to the
activation's own protobuf objects, no copies). The event map is built from it afterwards,
against the history.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from temporalio.bridge.proto.workflow_activation import WorkflowActivationJob
from temporalio.bridge.proto.workflow_commands import WorkflowCommand

from replaydbg.replay.source import SourceLocation


@dataclass
class JobRecord:
    """One job of an activation (``fire_timer``, ``signal_workflow`` ...)."""

    job: WorkflowActivationJob
    #: Position of the job in its activation (what a debugger counts to stop at it).
    index: int = 0
    #: The first user line that ran because of this job (a resumed ``await`` or the first
    #: line of a handler), or None when no user code ran for it.
    next_line: SourceLocation | None = None
    #: True when ``next_line`` is a suspended coroutine resuming at an ``await`` (False: a
    #: function, e.g. a signal handler, starting there).
    resumed: bool = False
    #: The SDK applies an activation's jobs in batches and runs the workflow's code after
    #: each: how many of those runs came before this job in its activation.
    batch: int = 0
    #: Runtime bookkeeping: event-loop handles still running on this job's behalf, and
    #: whether the job is still looking for its next line.
    live_handles: int = field(default=0, repr=False, compare=False)
    searching: bool = field(default=False, repr=False, compare=False)

    @property
    def variant(self) -> str:
        """The job's kind, the name of its oneof field."""
        return self.job.WhichOneof("variant") or "unknown"


@dataclass
class CommandRecord:
    """A command the workflow issued, with the user line that issued it."""

    command: WorkflowCommand
    #: None when no user frame was on the stack (e.g. completion after ``run`` returned).
    site: SourceLocation | None
    #: Position of the command in its activation's completion.
    index: int = 0
    #: With no user frame on the stack: the user line that started the task issuing it
    #: (library or SDK code run in a task, e.g. ``asyncio.gather(workflow.sleep(...))``).
    started_at: SourceLocation | None = None
    #: For an update's response: the user line where its handler returned (or raised).
    handler_end: SourceLocation | None = None
    #: How the code issued it: "line" (a user frame on the stack), "raise" (the SDK issued it
    #: for an exception the user's code raised: continue-as-new, failure, cancellation) or
    #: "" (the SDK or library code issued it with no user frame, e.g. a cancellation
    #: requested when the cancelled task next ran). A debugger stops at the first two.
    issued: str = "line"

    @property
    def variant(self) -> str:
        """The command's kind, the name of its oneof field."""
        return self.command.WhichOneof("variant") or "unknown"


@dataclass
class ActivationRecord:
    """One activation: the workflow task it belongs to, its jobs and its commands."""

    index: int
    #: Id of the WorkflowTaskStarted event this activation belongs to (``history_length``).
    history_length: int
    is_replaying: bool
    jobs: list[JobRecord] = field(default_factory=list)
    commands: list[CommandRecord] = field(default_factory=list)
    #: Where each still-running user coroutine waits when the activation ends.
    waiting_at: list[SourceLocation] = field(default_factory=list)
    #: The activation failed (the workflow task would fail) with this message...
    failure: str | None = None
    #: ...raised at this user line, when the exception came from user code.
    failure_site: SourceLocation | None = None
    #: The exception's class name (``KeyError``, ``RestrictedWorkflowAccessError``...).
    failure_type: str | None = None
    #: The user frames of the exception's traceback, outermost first (the last one is
    #: ``failure_site``).
    failure_traceback: list[SourceLocation] = field(default_factory=list)
    #: The exception the failure was raised from, innermost (``TypeError: Unknown payload
    #: encoding binary/encrypted`` under the SDK's "Failed decoding arguments").
    failure_cause: str | None = None

    @property
    def is_eviction(self) -> bool:
        """True for the cache-eviction activation that ends every replay."""
        return any(j.variant == "remove_from_cache" for j in self.jobs)

    @property
    def is_query(self) -> bool:
        """True for query-only activations, which never appear in history."""
        return bool(self.jobs) and all(j.variant == "query_workflow" for j in self.jobs)


@dataclass
class Recording:
    """Everything recorded during one replay, in activation order."""

    activations: list[ActivationRecord] = field(default_factory=list)
    #: Told each activation's history length as it starts: how far the replay has come
    #: (a progress bar on a long history).
    on_activation: Callable[[int], None] | None = field(default=None, repr=False,
                                                        compare=False)

    def new_activation(self, history_length: int, is_replaying: bool) -> ActivationRecord:
        """Start recording the next activation."""
        record = ActivationRecord(len(self.activations), history_length, is_replaying)
        self.activations.append(record)
        if self.on_activation is not None:
            self.on_activation(history_length)
        return record
