"""The event map: for every history event, what in the replay accounts for it.

Jobs map to events by *identity* (timer seq, activity seq, initiated event id, update id,
signal order); commands map to events by *position* within the batch of command events that
follows the WorkflowTaskCompleted of their workflow task. Comparing each command with the
event at its position also finds where replay diverges, at the line that issued the command.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace

from temporalio.api.enums.v1 import EventType
from temporalio.api.history.v1 import HistoryEvent

from replaydbg.history import History, HistoryIndex, event_type_name
from replaydbg.history.markers import LOCAL_ACTIVITY_MARKER_NAME
from replaydbg.replay.commands import (
    COMMAND_EVENT_TYPES,
    NO_EVENT,
    CommandView,
    event_identity,
    marker_name,
    patch_id_of,
    quiet_differences,
    view_command,
)
from replaydbg.replay.divergence import Divergence
from replaydbg.replay.inputs import PayloadComparison, as_input_comparison
from replaydbg.replay.jobs import JobResolver
from replaydbg.replay.recorder import ActivationRecord, CommandRecord, JobRecord, Recording
from replaydbg.replay.source import SourceLocation
from replaydbg.replay.subject import event_subject

E = EventType


@dataclass(frozen=True)
class EventMapping:
    """How one history event is accounted for by the replay."""

    event_id: int
    event_type: str
    #: ``applied`` (a job applied it to the workflow), ``command`` (the code issued it),
    #: ``workflow-task`` (task bookkeeping), ``server`` (the server or a worker wrote it; no
    #: workflow code corresponds), ``unmapped`` (nothing in the replay matched it), or
    #: ``not-reached`` (after the point where a failed replay stopped).
    role: str
    activation: int | None = None
    #: Position of the job or command within its activation (with ``activation``, where a
    #: debugger stops for this event).
    position: int | None = None
    job: str | None = None
    command: str | None = None
    #: The user line that issued the command (``command`` role).
    source: SourceLocation | None = None
    #: How: "line" (that line ran the command), "raise" (the SDK issued it for that line's
    #: raise) or "" (no user code was running: ``source`` is the line that caused it, e.g. a
    #: ``cancel()``, and a debugger has nowhere to stop for it).
    issued: str = ""
    #: The first user line that ran because of the event (``applied`` role).
    next_line: SourceLocation | None = None
    #: ``next_line`` is an ``await`` a coroutine resumed at (not a function's first line).
    resumed: bool = False
    #: For a job: workflow code runs after it in its activation (this job's or a later
    #: one's). When none does (one result of an ``asyncio.gather`` still waiting for the
    #: others), a debugger has nowhere to stop for the event.
    code_runs: bool = True
    #: For a job: where a debugger stops for it, as the position of the first job of the
    #: batch whose code it lands in (jobs of one batch share their stop).
    stop_position: int | None = None
    #: For an event the SDK answered as a command (an update's acceptance or completion):
    #: the position of the job that ran the user's code for it (a debugger stops there).
    job_position: int | None = None
    #: For an update's completion: the handler line that returned (or raised: see below).
    handler_end: SourceLocation | None = None
    handler_raised: bool = False
    note: str = ""
    #: What the event is about: activity type, timer, signal, child workflow, patch...
    subject: str = ""

    @property
    def line(self) -> SourceLocation | None:
        """The user line this event is mapped to, whichever role it has."""
        return self.source or self.next_line


@dataclass
class EventMap:
    """Mappings for all events of a history, in event order, plus any divergence found."""

    mappings: list[EventMapping]
    divergences: list[Divergence] = field(default_factory=list)
    #: Differences Temporal's replay does not check (timer durations, activity arguments).
    quiet_differences: list[str] = field(default_factory=list)

    def __getitem__(self, event_id: int) -> EventMapping:
        return self.mappings[event_id - 1]

    def __iter__(self) -> Iterator[EventMapping]:
        return iter(self.mappings)

    def __len__(self) -> int:
        return len(self.mappings)


#: Cancellation command -> the command that started what it cancels (same seq).
_CANCELS = {"cancel_timer": "start_timer", "request_cancel_activity": "schedule_activity",
            "cancel_child_workflow_execution": "start_child_workflow_execution"}

_CLOSING_COMMANDS = {"complete_workflow_execution", "fail_workflow_execution",
                     "cancel_workflow_execution"}

# Plain ints: protobuf enum attribute access is slow in the per-event loops.
_WFT_OPENING = frozenset({int(E.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED),
                          int(E.EVENT_TYPE_WORKFLOW_TASK_STARTED)})
_WFT_SCHEDULED = int(E.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED)
_WFT_COMPLETED = int(E.EVENT_TYPE_WORKFLOW_TASK_COMPLETED)
_UPSERT = int(E.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES)

_WFT_TYPES = {
    E.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED, E.EVENT_TYPE_WORKFLOW_TASK_STARTED,
    E.EVENT_TYPE_WORKFLOW_TASK_COMPLETED, E.EVENT_TYPE_WORKFLOW_TASK_FAILED,
    E.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT,
}


class _Builder:
    """The history's index, then one pass over the recording."""

    def __init__(self, history: History, recording: Recording, *,
                 compare_payloads: PayloadComparison) -> None:
        self.events: Sequence[HistoryEvent] = history.events
        self.inputs = as_input_comparison(compare_payloads)
        self.quiet: list[str] = []
        self.recording = recording
        self.out: dict[int, EventMapping] = {}
        self.divergences: list[Divergence] = []
        self.index = HistoryIndex(history)
        self.jobs = JobResolver(self.index)
        self.activation_by_task: dict[int, int] = {}
        for activation in recording.activations:
            self.note_activation(activation)
        #: Where the workflow waited at the end of the latest task that left it waiting.
        self.last_waiting: tuple[SourceLocation, ...] = ()
        self.command_sites: dict[tuple[str, int | None], SourceLocation | None] = {}
        #: Events a task's commands or jobs mapped since the last drain: final with the task.
        self._claimed: list[int] = []
        #: Per activation: where a debugger stops for its workflow task (the landing of its
        #: first job, see _landing_positions; None: no workflow code runs in it).
        self.start_landing: dict[int, int | None] = {}

    def note_activation(self, activation: ActivationRecord) -> None:
        """Know which activation ran each workflow task (for the task's own events)."""
        if not activation.is_query:
            self.activation_by_task.setdefault(activation.history_length, activation.index)

    def build(self) -> EventMap:
        for group in task_groups(self.recording.activations):
            self.add_group(group)
        return EventMap([self.mapping(e) for e in self.events], self.divergences, self.quiet)

    def add_group(self, group: list[ActivationRecord]) -> None:
        """Map one workflow task's activations: its commands, then its jobs."""
        self._map_commands(group)
        for activation in group:
            self._map_jobs(activation)
        if group[-1].waiting_at:
            self.last_waiting = tuple(group[-1].waiting_at)

    def drain_claimed(self) -> list[int]:
        """Ids of the events mapped by a task's commands or jobs since the last call.

        A job may apply an event after its task's WorkflowTaskStarted (a patch marker the
        previous task recorded): final with the task all the same, which nothing later changes.
        """
        claimed, self._claimed = self._claimed, []
        return claimed

    def mapping(self, event: HistoryEvent) -> EventMapping:
        """The event's mapping as it stands (final for the tasks added so far)."""
        return replace(self.out.get(event.event_id) or self._fallback(event),
                       subject=event_subject(event, self.index))

    # -- commands, by position --------------------------------------------------------

    def command_batch(self, history_length: int) -> list[HistoryEvent] | None:
        """Command events after the WorkflowTaskCompleted of the task started at H.

        None when that task never completed in history (the last, open task): its commands
        are new work past the end of history.
        """
        task = self.index.workflow_task_started_at(history_length)
        completed = task.completed_id if task is not None else None
        if completed is None:
            return None
        batch = []
        events = self.events
        for index in range(completed, len(events)):  # ids are 1-based: this is the next one
            event = events[index]
            if event.event_type in _WFT_OPENING:
                break
            if event.event_type in COMMAND_EVENT_TYPES:
                batch.append(event)
        return batch

    def _map_commands(self, group: list[ActivationRecord]) -> None:
        batch = self.command_batch(group[0].history_length)
        if batch is None:
            return
        pending = [e for e in batch if marker_name(e) != LOCAL_ACTIVITY_MARKER_NAME
                   and not _is_change_version_upsert(e)]
        try:
            self._match_batch(group, pending)
        finally:
            self._map_change_versions(group[0], batch)

    def _match_batch(self, group: list[ActivationRecord], pending: list[HistoryEvent]) -> None:
        for activation in group:
            for record, view in _event_commands(activation.commands):
                if (view.variant == "set_patch_marker"
                        and record.command.set_patch_marker.deprecated
                        and not (pending and patch_id_of(pending[0]) == view.identity)):
                    continue  # deprecated patches may be absent from history
                if not pending:
                    self.divergences.append(Divergence.extra_command(activation, record, view))
                    return
                self._claim_command(pending.pop(0), activation, record, view)
        if pending:
            self.divergences.append(
                Divergence.missing_command(group[-1], pending[0], self.last_waiting))

    def _map_change_versions(self, activation: ActivationRecord,
                             batch: list[HistoryEvent]) -> None:
        """The core's own TemporalChangeVersion upserts belong to the patch before them."""
        patch: EventMapping | None = None
        for event in batch:
            mapped = self.out.get(event.event_id)
            if mapped is not None and mapped.command == "set_patch_marker":
                patch = mapped
            elif _is_change_version_upsert(event):
                self._claimed.append(event.event_id)
                self.out[event.event_id] = EventMapping(
                    event.event_id, event_type_name(event.event_type), "command",
                    activation=activation.index, command="set_patch_marker",
                    source=patch.source if patch else None,
                    note="the core records the patch in the TemporalChangeVersion search "
                    "attribute",
                )

    def _claim_command(self, event: HistoryEvent, activation: ActivationRecord,
                       record: CommandRecord, view: CommandView) -> None:
        if event.event_type != view.expected_type or (
            view.identity is not None and event_identity(event) not in (None, view.identity)
        ):
            if record.site is None and view.variant in _CLOSING_COMMANDS:
                # The workflow returned where history expects more work: the command that
                # history records was never issued.
                self.divergences.append(
                    Divergence.missing_command(activation, event, self.last_waiting))
            else:
                self.divergences.append(Divergence.mismatch(activation, record, view, event))
        else:
            where = f" at {record.site.short()}" if record.site else ""
            self.quiet.extend(
                f"event {event.event_id} {event_type_name(event.event_type)}: {difference}"
                f" (issued{where}); Temporal does not check this"
                for difference in quiet_differences(record.command, event, inputs=self.inputs))
        self.jobs.note_command(view, event)
        site, note = record.site, view.label
        raised = view.variant == "update_response" and \
            record.command.update_response.HasField("rejected")
        if site is None and view.variant in _CANCELS:
            # Cancelled from outside the workflow code (e.g. the workflow was cancelled):
            # point at the line that started what is being cancelled.
            site = self.command_sites.get((_CANCELS[view.variant], view.seq))
            note += " (cancelled by the SDK; started here)"
        elif site is None and record.started_at is not None:
            note += (" (issued by library code in a task started at "
                     f"{record.started_at.short()})")
        elif site is None and record.handler_end is not None:
            note += (f" (the handler {'raised' if raised else 'returned'} at "
                     f"{record.handler_end.short()})")
        elif site is None and view.variant != "update_response":
            note += " (issued by the SDK after the workflow code returned)"
        if view.seq is not None:
            self.command_sites[(view.variant, view.seq)] = site
        self._claimed.append(event.event_id)
        self.out[event.event_id] = EventMapping(
            event.event_id, event_type_name(event.event_type), "command",
            activation=activation.index, position=record.index, command=view.variant,
            source=site, issued=record.issued if site is not None else "",
            handler_end=record.handler_end, handler_raised=raised, note=note,
        )

    # -- jobs, by identity ---------------------------------------------------------------

    def _map_jobs(self, activation: ActivationRecord) -> None:
        landing = _landing_positions(activation.jobs)
        self.start_landing[activation.index] = landing[0] if landing else None
        for job in activation.jobs:
            stop_position = landing[job.index]
            code_runs = stop_position is not None
            for event_id, note in self.jobs.resolve(job.job):
                claimed = self.out.get(event_id)
                if claimed is not None:
                    if claimed.source is None:  # e.g. an update accepted by the SDK
                        self.out[event_id] = replace(claimed, job=job.variant,
                                                     next_line=job.next_line,
                                                     job_position=job.index,
                                                     code_runs=code_runs,
                                                     stop_position=stop_position,
                                                     note=f"{note}: {claimed.note}")
                    continue
                event = self.events[event_id - 1]
                self._claimed.append(event_id)
                self.out[event_id] = EventMapping(
                    event_id, event_type_name(event.event_type), "applied",
                    activation=activation.index, position=job.index, job=job.variant,
                    next_line=job.next_line, resumed=job.resumed, code_runs=code_runs,
                    stop_position=stop_position,
                    note=note if code_runs else f"{note} (no workflow code runs for it yet: "
                    "the code it wakes waits for more)",
                )

    # -- everything else ---------------------------------------------------------------

    def _fallback(self, event: HistoryEvent) -> EventMapping:
        name = event_type_name(event.event_type)
        if event.event_type in _WFT_TYPES:
            activation = self._activation_of_task(event)
            landing = self.start_landing.get(activation, 0) if activation is not None else 0
            return EventMapping(event.event_id, name, "workflow-task", activation=activation,
                                code_runs=landing is not None, stop_position=landing,
                                note=self._task_note(event))
        note = _SERVER_NOTES.get(event.event_type)
        if note is not None:
            return EventMapping(event.event_id, name, "server", note=note)
        return EventMapping(event.event_id, name, "unmapped",
                            note="no job or command of this replay corresponds to this event")

    def _activation_of_task(self, event: HistoryEvent) -> int | None:
        started = event.event_id
        if event.event_type == _WFT_SCHEDULED:
            started = event.event_id + 1
        elif event.event_type == _WFT_COMPLETED:
            started = event.workflow_task_completed_event_attributes.started_event_id
        return self.activation_by_task.get(started)

    @staticmethod
    def _task_note(event: HistoryEvent) -> str:
        if event.event_type == E.EVENT_TYPE_WORKFLOW_TASK_FAILED:
            attrs = event.workflow_task_failed_event_attributes
            cause = attrs.cause
            return (f"workflow task failed ({_enum_name(cause)}): "
                    f"{attrs.failure.message[:120]}; replay skips it and applies its events "
                    "with the next task")
        if event.event_type == E.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT:
            return "workflow task timed out; replay applies its events with the next task"
        return ""


def _landing_positions(jobs: Sequence[JobRecord]) -> list[int | None]:
    """Per job: the first job of the batch whose code runs after it (None: no code runs).

    The SDK applies jobs in batches and runs the woken code after each batch, so a debugger
    stopping "after job J" stops at the first user line of J's batch, or of a later batch if
    J's woke nothing (a patch notice), or nowhere in this activation.
    """
    first_of_batch: dict[int, int] = {}
    with_code: set[int] = set()
    for job in jobs:
        first_of_batch.setdefault(job.batch, job.index)
        if job.next_line is not None:
            with_code.add(job.batch)
    landing: list[int | None] = []
    for job in jobs:
        batch = min((b for b in with_code if b >= job.batch), default=None)
        landing.append(first_of_batch[batch] if batch is not None else None)
    return landing


def _is_change_version_upsert(event: HistoryEvent) -> bool:
    if event.event_type != _UPSERT:
        return False
    fields = event.upsert_workflow_search_attributes_event_attributes.search_attributes
    return set(fields.indexed_fields) == {"TemporalChangeVersion"}


def _enum_name(cause: int) -> str:
    from temporalio.api.enums.v1 import WorkflowTaskFailedCause

    try:
        return WorkflowTaskFailedCause.Name(cause)  # type: ignore[arg-type]
    except ValueError:
        return str(cause)


def _event_commands(
    commands: Sequence[CommandRecord],
) -> Iterator[tuple[CommandRecord, CommandView]]:
    """Commands that produce an event, minus pairs the core cancels within one task."""
    views = [(record, view_command(record.command)) for record in commands]
    started = {(v.variant, v.seq) for _, v in views if v.variant in ("start_timer",
                                                                      "schedule_activity")}
    dropped: set[tuple[str, int | None]] = set()
    for _, view in views:
        if view.variant == "cancel_timer" and ("start_timer", view.seq) in started:
            dropped |= {("start_timer", view.seq), ("cancel_timer", view.seq)}
        if view.variant == "request_cancel_activity" and ("schedule_activity", view.seq) in started:
            dropped |= {("schedule_activity", view.seq), ("request_cancel_activity", view.seq)}
    for record, view in views:
        if view.variant in NO_EVENT or view.expected_type is None:
            continue
        if (view.variant, view.seq) in dropped:
            continue
        yield record, view


_SERVER_NOTES = {
    E.EVENT_TYPE_ACTIVITY_TASK_STARTED:
        "an activity worker picked up the task; no workflow code runs",
    E.EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED: "terminated from outside; no workflow code runs",
    E.EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT: "the server timed the workflow out",
    E.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ADMITTED:
        "the server admitted an update request; it is applied with the update's workflow task",
    E.EVENT_TYPE_WORKFLOW_EXECUTION_OPTIONS_UPDATED:
        "workflow options changed from outside; no workflow code runs",
}


#: Event types no workflow code ever runs for (known before any replay).
NO_CODE_EVENT_TYPES = frozenset(
    event_type_name(kind) for kind in {*_SERVER_NOTES, *_WFT_TYPES}
    if kind != E.EVENT_TYPE_WORKFLOW_TASK_STARTED)


def task_groups(activations: Sequence[ActivationRecord]) -> list[list[ActivationRecord]]:
    """Activations grouped by workflow task: one task may need several activations."""
    groups: list[list[ActivationRecord]] = []
    for activation in activations:
        if activation.is_eviction or activation.is_query:
            continue
        if groups and groups[-1][0].history_length == activation.history_length:
            groups[-1].append(activation)
        else:
            groups.append([activation])
    return groups


class EventMapStream:
    """The event map built while the replay runs, one finished workflow task at a time.

    A debugger plans its stops from it before the replay ends. After the task whose
    activations end at index N is added, every event up to the task's WorkflowTaskStarted and
    every event its commands and jobs mapped is final: later tasks only apply later events.
    """

    def __init__(self, history: History, recording: Recording, *,
                 compare_payloads: PayloadComparison = True) -> None:
        self._builder = _Builder(history, recording, compare_payloads=compare_payloads)
        self._recording = recording
        self._consumed = 0  # activations already grouped
        self._prefix = 0  # events up to this id are settled
        self._through: int | None = None
        #: A task diverged or failed: nothing from it on is settled before the replay ends.
        self._held = False
        self._settled: set[int] = set()

    def settle(self, *, final: bool = False) -> tuple[list[EventMapping], int | None]:
        """Map the workflow tasks that are complete.

        Returns the newly final mappings and the index of the last activation they cover
        (None when no task completed). Call at the start of each activation (the previous
        ones are closed then), and with ``final`` once the replay is over.
        """
        activations = self._recording.activations
        closed = activations if final else activations[:-1]
        groups = task_groups(closed[self._consumed:])
        if not final and groups and groups[-1][0].history_length == \
                activations[-1].history_length:
            groups.pop()  # the task may go on in the activation now starting
        if not groups or self._held:
            return [], None
        builder, events, newly = self._builder, self._builder.events, []
        advanced = False
        for group in groups:
            for activation in group:
                builder.note_activation(activation)
            known = len(builder.divergences)
            builder.add_group(group)
            self._consumed = group[-1].index + 1
            if len(builder.divergences) > known or any(a.failure for a in group):
                # Whether and where to stop for this is the whole report's call.
                self._held = True
                break
            started = min(group[0].history_length, len(events))
            final_ids = list(range(self._prefix + 1, started + 1))
            self._prefix = max(self._prefix, started)
            final_ids += builder.drain_claimed()
            for event_id in final_ids:
                if event_id not in self._settled:
                    self._settled.add(event_id)
                    newly.append(builder.mapping(events[event_id - 1]))
            self._through, advanced = group[-1].index, True
        return sorted(newly, key=lambda m: m.event_id), self._through if advanced else None

    def finish(self) -> EventMap:
        """The whole map, once the replay is over."""
        builder = self._builder
        if not self._held:
            self.settle(final=True)
        else:  # the held task is in the builder already: only the tasks after it remain
            for group in task_groups(self._recording.activations[self._consumed:]):
                builder.add_group(group)
        return EventMap([builder.mapping(e) for e in builder.events], builder.divergences,
                        builder.quiet)


def build_event_map(history: History, recording: Recording, *,
                    compare_payloads: PayloadComparison = True) -> EventMap:
    """Map every event of ``history`` to what the replay recorded.

    ``compare_payloads``: False when a payload codec is in use that cannot be undone
    (history holds its output), else how to compare (see ``inputs.InputComparison``).
    """
    return _Builder(history, recording, compare_payloads=compare_payloads).build()
