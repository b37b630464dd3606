"""A fast path from parsed proto3 JSON (dicts) to protobuf messages.

``google.protobuf.json_format.ParseDict`` spends most of its time on bookkeeping it redoes for
every field of every event (building error paths, re-checking field kinds, duplicate and
oneof checks). Loading a history is the first thing every replay does, so here each message
type gets a table of setters, built once from its descriptor, and a document is filled with one
dict lookup and one call per key: about three times faster on real histories.

The fast path accepts only the plain, well-formed shapes that histories use. Anything else
(an unknown enum name, a number where a string belongs, a well-known type other than Duration
and Timestamp...) raises, and the caller falls back to ``ParseDict``, the reference
implementation, which then produces the result or the error message. The tests check that both
paths build identical messages.
"""

from __future__ import annotations

import base64
import math
import re
from collections.abc import Callable
from datetime import datetime, timezone
from functools import cache, lru_cache
from typing import Any, TypeVar

from google.protobuf import json_format
from google.protobuf.descriptor import Descriptor, EnumDescriptor, FieldDescriptor
from google.protobuf.message import Message

MessageT = TypeVar("MessageT", bound=Message)
_Setter = Callable[[Any, Any], None]
_Filler = Callable[[Any, Any], None]
_Converter = Callable[[Any], Any]

#: Well-known types that are JSON strings and know how to parse themselves.
_STRING_WELL_KNOWN = frozenset({"google.protobuf.Duration", "google.protobuf.Timestamp"})
_FLOAT32_MAX = 3.4028234663852886e38


class UnsupportedShape(Exception):
    """The document uses a shape the fast path does not handle; use ``ParseDict`` instead."""


def parse_dict(document: Any, message: MessageT) -> MessageT:
    """Fill ``message`` from a JSON document, ignoring unknown keys like ``ParseDict`` does.

    Raises ``UnsupportedShape`` (or the error of the failing conversion) on anything unusual;
    callers then use ``json_format.ParseDict`` for the definitive answer.
    """
    _fill(document, message)
    return message


def _fill(document: Any, message: Any) -> None:
    if type(document) is not dict:
        raise UnsupportedShape(f"expected an object for {message.DESCRIPTOR.full_name}")
    setters = _setters(message.DESCRIPTOR)
    for key, value in document.items():
        if value is not None:
            setter = setters.get(key)
            if setter is not None:
                setter(message, value)


@cache
def _setters(descriptor: Descriptor) -> dict[str, _Setter]:
    # Both spellings are valid JSON keys: the camelCase json_name and the proto field name.
    setters: dict[str, _Setter] = {}
    for field in descriptor.fields:
        setter = _setter(field)
        setters[field.name] = setter
        setters[field.json_name] = setter
    return setters


def _setter(field: FieldDescriptor) -> _Setter:
    message_type = field.message_type
    if message_type is None:
        return _scalar_setter(field)
    if message_type.GetOptions().map_entry:
        return _map_setter(field.name, message_type)
    if field.is_repeated:
        return _repeated_message_setter(field.name, message_type)
    return _message_setter(field.name, message_type)


def _message_setter(name: str, message_type: Descriptor) -> _Setter:
    fill = _filler(message_type)

    def set_message(message: Any, value: Any) -> None:
        child = getattr(message, name)
        child.SetInParent()  # an empty object still marks the field as present
        fill(value, child)

    return set_message


def _repeated_message_setter(name: str, message_type: Descriptor) -> _Setter:
    fill = _filler(message_type)

    def set_repeated_messages(message: Any, value: Any) -> None:
        if type(value) is not list:
            raise UnsupportedShape(f"expected a list for {name}")
        container = getattr(message, name)
        for item in value:
            fill(item, container.add())

    return set_repeated_messages


def _map_setter(name: str, entry_type: Descriptor) -> _Setter:
    key_field = entry_type.fields_by_name["key"]
    value_field = entry_type.fields_by_name["value"]
    if key_field.type != FieldDescriptor.TYPE_STRING:
        raise UnsupportedShape(f"map {name} has non-string keys")
    if value_field.message_type is not None:
        fill = _filler(value_field.message_type)

        def set_message_map(message: Any, value: Any) -> None:
            container = getattr(message, name)
            for key, item in value.items():
                fill(item, container[key])

        return set_message_map
    convert = _converter(value_field)

    def set_scalar_map(message: Any, value: Any) -> None:
        container = getattr(message, name)
        for key, item in value.items():
            container[key] = convert(item)

    return set_scalar_map


def _scalar_setter(field: FieldDescriptor) -> _Setter:
    name, convert = field.name, _converter(field)
    if field.is_repeated:

        def set_repeated_scalars(message: Any, value: Any) -> None:
            if type(value) is not list:
                raise UnsupportedShape(f"expected a list for {name}")
            getattr(message, name).extend([convert(item) for item in value])

        return set_repeated_scalars

    def set_scalar(message: Any, value: Any) -> None:
        setattr(message, name, convert(value))

    return set_scalar


def _filler(descriptor: Descriptor) -> _Filler:
    if descriptor.full_name == "google.protobuf.Timestamp":
        return _fill_timestamp
    if descriptor.full_name in _STRING_WELL_KNOWN:
        return _fill_from_json_string
    if descriptor.full_name.startswith("google.protobuf."):
        return _fill_with_reference_parser
    return _fill


def _fill_from_json_string(value: Any, message: Any) -> None:
    if type(value) is not str:
        raise UnsupportedShape(f"expected a string for {message.DESCRIPTOR.full_name}")
    message.FromJsonString(value)


#: The RFC 3339 UTC form servers write ("2024-05-01T12:00:00.123456789Z"); other forms (an
#: offset, a lower-case "z") go to protobuf's own parser.
_UTC_TIMESTAMP = re.compile(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?Z")


def _fill_timestamp(value: Any, message: Any) -> None:
    """A timestamp, without protobuf's strptime per event (a fifth of a big history's load)."""
    match = _UTC_TIMESTAMP.fullmatch(value) if type(value) is str else None
    if match is None:
        _fill_from_json_string(value, message)
        return
    seconds, fraction = match.groups()
    message.seconds = _epoch_seconds(seconds)
    message.nanos = int(fraction.ljust(9, "0")) if fraction else 0


@lru_cache(maxsize=4096)
def _epoch_seconds(text: str) -> int:
    """Seconds since the epoch of a UTC "YYYY-MM-DDTHH:MM:SS" (events share many seconds)."""
    try:
        moment = datetime.strptime(text, "%Y-%m-%dT%H:%M:%S").replace(tzinfo=timezone.utc)
    except ValueError as err:
        raise UnsupportedShape(f"not a timestamp: {text!r}") from err
    return int(moment.timestamp())


def _fill_with_reference_parser(value: Any, message: Any) -> None:
    json_format.ParseDict(value, message, ignore_unknown_fields=True)


def _converter(field: FieldDescriptor) -> _Converter:
    kind = field.cpp_type
    if field.enum_type is not None:
        return _enum_converter(field.full_name, field.enum_type)
    if field.type == FieldDescriptor.TYPE_BYTES:
        return _bytes
    if kind == FieldDescriptor.CPPTYPE_STRING:
        return _string
    if kind == FieldDescriptor.CPPTYPE_BOOL:
        return _bool
    if kind in (FieldDescriptor.CPPTYPE_FLOAT, FieldDescriptor.CPPTYPE_DOUBLE):
        return _float32 if kind == FieldDescriptor.CPPTYPE_FLOAT else _float
    return _integer


def _enum_converter(field_name: str, enum_type: EnumDescriptor) -> _Converter:
    numbers = {value.name: value.number for value in enum_type.values}

    def enum_number(value: Any) -> int:
        if type(value) is str:
            return numbers[value]  # KeyError for legacy or unknown names: reference parser
        if type(value) is int:
            return value
        raise UnsupportedShape(f"bad enum value for {field_name}")

    return enum_number


def _string(value: Any) -> str:
    if type(value) is not str:
        raise UnsupportedShape("expected a string")
    return value


def _bool(value: Any) -> bool:
    if type(value) is not bool:
        raise UnsupportedShape("expected true or false")
    return value


def _integer(value: Any) -> int:
    # 64-bit integers are strings in proto3 JSON, 32-bit ones numbers; both are accepted.
    if type(value) is int or (type(value) is str and " " not in value):
        return int(value)
    raise UnsupportedShape("expected an integer")


def _float(value: Any) -> float:
    if type(value) not in (int, float) or not math.isfinite(value):
        raise UnsupportedShape("expected a finite number")
    return float(value)


def _float32(value: Any) -> float:
    number = _float(value)
    if abs(number) > _FLOAT32_MAX:
        raise UnsupportedShape("number out of range for a float")
    return number


def _bytes(value: Any) -> bytes:
    if type(value) is not str:
        raise UnsupportedShape("expected base64 text")
    # Same leniency as the reference parser: URL-safe or standard alphabet, padding optional.
    encoded = value.encode()
    return base64.urlsafe_b64decode(encoded + b"=" * (4 - len(encoded) % 4))
