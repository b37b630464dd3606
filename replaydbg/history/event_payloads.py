"""Where an event carries payloads: inputs, results, signal arguments, failure details.

Found by walking the event's attributes message rather than by a table per event type, so
that new event types and nested places (an update's ``acceptedRequest.input.args``, a
failure's ``cause.applicationFailureInfo.details``) are covered without a list to maintain.
Each place is named by its proto3 JSON path below the attributes, the names users see in
``temporal workflow show --output json``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from google.protobuf.descriptor import FieldDescriptor
from google.protobuf.message import Message
from temporalio.api.common.v1 import Payload
from temporalio.api.history.v1 import HistoryEvent

_PAYLOADS = "temporal.api.common.v1.Payloads"
_PAYLOAD = "temporal.api.common.v1.Payload"

#: Fields never shown: headers (tracing context, not the workflow's data), search attributes
#: (indexed, shown by the server as they are) and memos.
_SKIPPED = frozenset({"header", "search_attributes", "memo"})

#: Marker detail keys the SDK core writes for its own bookkeeping (local activity and patch
#: markers): plain JSON that says nothing the marker's description does not say already.
_MARKER_BOOKKEEPING = frozenset({"data", "patch-data", "patch_data", "patch_id", "deprecated"})


@dataclass(frozen=True)
class PayloadPlace:
    """The payloads at one place of an event; ``single`` for a ``Payload`` (not ``Payloads``)."""

    path: str
    payloads: tuple[Payload, ...]
    single: bool = False


def payload_places(event: HistoryEvent) -> list[PayloadPlace]:
    """Every place of ``event`` that holds payloads, in field order."""
    field = event.WhichOneof("attributes")
    if field is None:
        return []
    return list(_walk(getattr(event, field), ""))


def _walk(message: Message, prefix: str) -> Iterator[PayloadPlace]:
    for fd, value in message.ListFields():
        if fd.type != FieldDescriptor.TYPE_MESSAGE or fd.name in _SKIPPED:
            continue
        path = prefix + fd.json_name
        if fd.message_type is not None and fd.message_type.GetOptions().map_entry:
            yield from _walk_map(fd, value, path)
        elif isinstance(value, Message):
            yield from _place_or_walk(value, path)
        else:  # a repeated message field
            for index, item in enumerate(value):
                yield from _walk(item, f"{path}[{index}].")


def _place_or_walk(value: Message, path: str) -> Iterator[PayloadPlace]:
    name = value.DESCRIPTOR.full_name
    if name == _PAYLOADS:
        if value.payloads:  # type: ignore[attr-defined]
            yield PayloadPlace(path, tuple(value.payloads))  # type: ignore[attr-defined]
    elif name == _PAYLOAD:
        yield PayloadPlace(path, (value,), single=True)  # type: ignore[arg-type]
    else:
        yield from _walk(value, path + ".")


def _walk_map(fd: FieldDescriptor, value: Any, path: str) -> Iterator[PayloadPlace]:
    assert fd.message_type is not None  # a map field's entry type
    entry = fd.message_type.fields_by_name["value"]
    if entry.type != FieldDescriptor.TYPE_MESSAGE:
        return
    owner = fd.containing_type
    is_marker = owner is not None and owner.name == "MarkerRecordedEventAttributes"
    for key in sorted(value):
        if is_marker and key in _MARKER_BOOKKEEPING:
            continue
        yield from _place_or_walk(value[key], f"{path}.{key}")
