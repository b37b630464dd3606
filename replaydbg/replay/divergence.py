"""Where replay diverges from history, pinned to the user line responsible."""

from __future__ import annotations

from dataclasses import dataclass

from temporalio.api.history.v1 import HistoryEvent

from replaydbg.history import event_type_name
from replaydbg.replay.commands import CommandView, event_identity
from replaydbg.replay.recorder import ActivationRecord, CommandRecord
from replaydbg.replay.source import SourceLocation


def describe(event: HistoryEvent) -> str:
    """``ActivityTaskScheduled(compose_greeting)``: the type and identity of an event."""
    identity = event_identity(event)
    name = event_type_name(event.event_type)
    return f"{name}({identity})" if identity else name


@dataclass(frozen=True)
class Divergence:
    """One disagreement between the code's commands and the recorded history."""

    #: ``mismatch`` (the command differs from the event at its position), ``missing-command``
    #: (history has a command event the code never issued), ``extra-command`` (the code
    #: issued a command history has no event for) or ``task-failure`` (the code raised).
    kind: str
    activation: int
    history_length: int
    event_id: int | None
    event: str | None
    command: str | None
    #: The user line that issued the command (None for missing commands).
    site: SourceLocation | None
    #: Where the workflow's coroutines were waiting when the task ended (missing commands).
    waiting_at: tuple[SourceLocation, ...]
    message: str
    #: Position of the offending command in its activation (None: no command to point at).
    position: int | None = None

    @property
    def line(self) -> SourceLocation | None:
        """The line to show the user: the command's site, else where the code waited."""
        if self.site is not None:
            return self.site
        return self.waiting_at[0] if self.waiting_at else None

    @classmethod
    def mismatch(cls, activation: ActivationRecord, record: CommandRecord, view: CommandView,
                 event: HistoryEvent) -> Divergence:
        """The command at this position does not match the recorded event."""
        where = f" at {record.site.short()}" if record.site else ""
        message = (f"history event {event.event_id} is {describe(event)} but the code{where} "
                   f"issued {view.label}, which records {view.expected_name}")
        return cls("mismatch", activation.index, activation.history_length, event.event_id,
                   describe(event), view.label, record.site, tuple(activation.waiting_at),
                   message, record.index)

    @classmethod
    def missing_command(cls, activation: ActivationRecord, event: HistoryEvent,
                        last_ran: tuple[SourceLocation, ...] = ()) -> Divergence:
        """History has a command event the code did not issue.

        ``last_ran`` is where the workflow resumed before it finished, for when it finished
        (and so waits nowhere) instead of issuing the command.
        """
        waiting = tuple(activation.waiting_at)
        if waiting:
            where = f"; the workflow was waiting at {waiting[0].short()}"
        elif last_ran:
            waiting = last_ran
            where = f"; the workflow finished after resuming at {last_ran[0].short()}"
        else:
            where = ""
        message = (f"history has event {event.event_id} {describe(event)} but the code issued "
                   f"no command for it{where}")
        return cls("missing-command", activation.index, activation.history_length,
                   event.event_id, describe(event), None, None, waiting, message)

    @classmethod
    def extra_command(cls, activation: ActivationRecord, record: CommandRecord,
                      view: CommandView) -> Divergence:
        """The code issued a command beyond the events recorded for its workflow task."""
        where = f" at {record.site.short()}" if record.site else ""
        message = (f"the code{where} issued {view.label}, but history recorded no more commands "
                   f"in the workflow task started at event {activation.history_length}")
        return cls("extra-command", activation.index, activation.history_length, None, None,
                   view.label, record.site, tuple(activation.waiting_at), message, record.index)

    @classmethod
    def task_failure(cls, activation: ActivationRecord) -> Divergence:
        """The workflow code raised during replay, so its workflow task failed."""
        site = activation.failure_site
        where = f" at {site.short()}" if site else ""
        kind = f"{activation.failure_type}: " if activation.failure_type else ""
        message = (f"the workflow task started at event {activation.history_length} failed "
                   f"during replay: {kind}{activation.failure}{where}")
        return cls("task-failure", activation.index, activation.history_length, None, None,
                   None, site, tuple(activation.waiting_at), message)
