"""Rewrite old-style enum names (``ActivityTaskScheduled``, ``Normal``) to proto3 names.

Histories saved by older tools (tctl, old Web UI versions) spell enum values in PascalCase
without the type prefix, sometimes mixed with proto3 string ids. Protobuf's JSON parser only
knows ``EVENT_TYPE_ACTIVITY_TASK_SCHEDULED``. Instead of a hand-kept list of which attributes
hold which enum (and missing the ones added later), the walk follows the message descriptors,
so every enum field anywhere in an event is covered.

Only called when a file needs it: ``uses_legacy_names`` is a cheap check on the event types,
because the walk costs about as much as parsing itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any

from google.protobuf.descriptor import Descriptor, EnumDescriptor, FieldDescriptor
from temporalio.api.history.v1 import History

_PROTO3_EVENT_PREFIX = "EVENT_TYPE_"


def uses_legacy_names(events: Sequence[Any]) -> bool:
    """True when some event's type is not spelled the proto3 way (``EVENT_TYPE_...``)."""
    for event in events:
        if isinstance(event, dict):
            event_type = event.get("eventType")
            if isinstance(event_type, str) and not event_type.startswith(_PROTO3_EVENT_PREFIX):
                return True
    return False


def normalise_enum_names(document: dict[str, Any]) -> None:
    """Rewrite, in place, every legacy enum name in a JSON ``History`` document.

    Values already in proto3 form, numbers, and names that match nothing are left alone: the
    protobuf parser then accepts, or reports, them as usual.
    """
    _walk_message(document, History.DESCRIPTOR)


def _walk_message(obj: dict[str, Any], descriptor: Descriptor) -> None:
    fields = _fields_by_json_key(descriptor)
    for key, value in obj.items():
        field = fields.get(key)
        if field is None or value is None:
            continue
        if field.enum_type is not None:
            _fix_enum_value(obj, key, value, field.enum_type)
        elif field.message_type is not None:
            _walk_field_value(value, field.message_type)


def _walk_field_value(value: Any, message_type: Descriptor) -> None:
    if message_type.GetOptions().map_entry:
        value_type = message_type.fields_by_name["value"].message_type
        if value_type is not None and isinstance(value, dict):
            for item in value.values():
                if isinstance(item, dict):
                    _walk_message(item, value_type)
        return
    items = value if isinstance(value, list) else [value]
    for item in items:
        if isinstance(item, dict):
            _walk_message(item, message_type)


def _fix_enum_value(obj: Any, key: Any, value: Any, enum: EnumDescriptor) -> None:
    if isinstance(value, list):
        for index, item in enumerate(value):
            _fix_enum_value(value, index, item, enum)
    elif isinstance(value, str) and value not in enum.values_by_name:
        proto3 = _legacy_names(enum).get(_comparable(value))
        if proto3 is not None:
            obj[key] = proto3


@cache
def _fields_by_json_key(descriptor: Descriptor) -> dict[str, FieldDescriptor]:
    # Protobuf's parser accepts both the camelCase JSON name and the proto field name.
    fields = {field.name: field for field in descriptor.fields}
    fields.update({field.json_name: field for field in descriptor.fields})
    return fields


@cache
def _legacy_names(enum: EnumDescriptor) -> dict[str, str]:
    """Comparable spelling of each value, with and without its prefix -> the proto3 name."""
    prefix = _value_prefix(enum)
    names: dict[str, str] = {}
    for value in enum.values:
        names[_comparable(value.name)] = value.name
        if value.name.startswith(prefix):
            names[_comparable(value.name[len(prefix) :])] = value.name
    return names


def _value_prefix(enum: EnumDescriptor) -> str:
    # Temporal enums all start with <TYPE>_UNSPECIFIED; its prefix is the type's prefix.
    first = enum.values[0].name
    if first.endswith("_UNSPECIFIED"):
        return first[: -len("UNSPECIFIED")]
    return ""


def _comparable(name: str) -> str:
    """``ActivityTaskScheduled``, ``ACTIVITY_TASK_SCHEDULED`` -> ``activitytaskscheduled``."""
    return name.replace("_", "").lower()
