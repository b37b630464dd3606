"""Checks every history passes before anyone replays it, whether loaded from a file or fetched.

A history that is empty, starts in the middle, or skips events cannot be replayed; the SDK
would fail later with a message about determinism or a core panic that hides the real cause.
These checks name the source and the first offending event instead.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from temporalio.api.enums.v1 import EventType
from temporalio.api.history.v1 import HistoryEvent

from replaydbg.errors import HistoryContentError
from replaydbg.history.model import event_type_name

#: Given an event's position, the event type as the source spelled it (for messages).
RawTypeLookup = Callable[[int], object]

_KNOWN_TYPES = frozenset(EventType.values()) - {EventType.EVENT_TYPE_UNSPECIFIED}
_STARTED = EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED
#: Event type -> the ``attributes`` oneof field its events carry (by the proto's naming rule).
_ATTRIBUTE_FIELDS = {
    value: name.removeprefix("EVENT_TYPE_").lower() + "_event_attributes"
    for name, value in EventType.items()
    if name.removeprefix("EVENT_TYPE_").lower() + "_event_attributes"
    in HistoryEvent.DESCRIPTOR.fields_by_name
}


def validate_events(
    events: Sequence[HistoryEvent], source: str, *, raw_type: RawTypeLookup | None = None
) -> None:
    """Raise ``HistoryContentError`` unless ``events`` is a replayable history.

    ``raw_type`` lets JSON loading report an unknown type as written in the file, since the
    parsed event only holds 0 for a name protobuf did not know.
    """
    if not events:
        raise HistoryContentError(
            f"{source}: the history has no events",
            hint="the file or fetch returned an empty history; check the workflow id and run id",
        )
    check_event_types(events, source, raw_type=raw_type)
    _check_first_event(events[0], source)
    check_event_ids(events, source)
    check_event_attributes(events, source)


def check_event_attributes(events: Sequence[HistoryEvent], source: str) -> None:
    """Each event carries the attributes of its own type (the SDK assumes it and crashes)."""
    for event in events:
        found = event.WhichOneof("attributes")
        expected = _ATTRIBUTE_FIELDS.get(event.event_type)
        if found == expected or expected is None:
            continue
        kind = event_type_name(event.event_type)
        what = f"{_words(found)} attributes" if found else "no attributes"
        raise HistoryContentError(
            f"{source}: event {event.event_id} is {kind} but carries {what} "
            f"(a {kind} event carries {_words(expected)} attributes)",
            hint="the history was edited or assembled by hand; download it again in full",
        )


def _words(field: str) -> str:
    return field.removesuffix("_event_attributes").replace("_", " ")


def check_event_types(
    events: Sequence[HistoryEvent], source: str, *, raw_type: RawTypeLookup | None = None
) -> None:
    """Every event has a type this version of the Temporal SDK knows."""
    for index, event in enumerate(events):
        if event.event_type not in _KNOWN_TYPES:
            written = raw_type(index) if raw_type else None
            shown = repr(written) if written is not None else str(int(event.event_type))
            raise HistoryContentError(
                f"{source}: event {event.event_id} has unknown event type {shown}",
                hint="the history may come from a newer server than this temporalio knows "
                "(upgrade temporalio), or the file was edited by hand",
            )


def _check_first_event(first: HistoryEvent, source: str) -> None:
    if first.event_type != _STARTED:
        raise HistoryContentError(
            f"{source}: the first event is {event_type_name(first.event_type)} "
            f"(id {first.event_id}), not WorkflowExecutionStarted",
            hint="a replayable history starts at event 1; download the complete history "
            "(`temporal workflow show --output json`), not a page or a filtered view",
        )


def check_event_ids(events: Sequence[HistoryEvent], source: str) -> None:
    """Event ids run 1, 2, 3...: report the first place where they do not."""
    for expected, event in enumerate(events, start=1):
        if event.event_id != expected:
            raise HistoryContentError(
                f"{source}: {_id_problem(events, expected, event.event_id)}",
                hint="the history is incomplete or was edited; download it again in full",
            )


def _id_problem(events: Sequence[HistoryEvent], expected: int, found: int) -> str:
    """Name what happened at position ``expected``: a start elsewhere, a repeat, a swap, a gap."""
    if expected == 1:
        return f"the history starts at event {found}, not 1"
    if 0 < found < expected:
        return (f"event id {found} appears twice (the {_nth(found)} and the {_nth(expected)} "
                "events of the file)")
    later = [event.event_id for event in events[expected:]]
    if found > expected and expected in later:
        return (f"events are out of order: event {found} comes before event {expected} "
                f"(the {_nth(expected)} event of the file is {found})")
    if found > expected:
        several = found > expected + 1
        gap = f"events {expected}-{found - 1} are" if several else f"event {expected} is"
        return f"event ids jump from {expected - 1} to {found}: {gap} missing"
    return f"the {_nth(expected)} event of the file has id {found}; ids start at 1"


def _nth(position: int) -> str:
    suffix = "th" if 10 <= position % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(
        position % 10, "th")
    return f"{position}{suffix}"
