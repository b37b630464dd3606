"""The "Temporal" scope in the Variables view: current event, workflow, history position.

Built by the adapter from the history it already loaded, at each stop on a history event.
Payloads are decoded like the SDK's default data converter does (``json/plain``,
``binary/null``, ``binary/plain``), or, when the session names a ``dataConverter``, by the
debuggee with that converter and its codec.
Variable references live far above debugpy's small integers so the two never collide.
"""

from __future__ import annotations

import base64
import functools
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from replaydbg.history.task_groups import TaskGroup, group_by_workflow_task

if TYPE_CHECKING:
    from google.protobuf.descriptor import FieldDescriptor
    from google.protobuf.message import Message

    from replaydbg.history import History

# protobuf and the SDK (for event type names) are imported at the first stop, not with the
# module: the adapter imports it before it answers ``initialize``.

REFERENCE_BASE = 1 << 30

#: How long a container's one-line summary gets (characters) before it ends in "…".
SUMMARY_WIDTH = 80


@functools.cache
def _int64_types() -> frozenset[int]:
    """Integer types proto3 JSON writes as strings (they may not fit a JavaScript number)."""
    from google.protobuf.descriptor import FieldDescriptor

    return frozenset({FieldDescriptor.TYPE_INT64, FieldDescriptor.TYPE_UINT64,
                      FieldDescriptor.TYPE_SINT64, FieldDescriptor.TYPE_FIXED64,
                      FieldDescriptor.TYPE_SFIXED64})


#: Decodes one payload given as proto3 JSON (``{"metadata": {...}, "data": ...}``).
Decoder = Callable[[Mapping[str, Any]], Any]


def decode_payloads(value: Any, decode: Decoder | None = None) -> Any:
    """Replace every payload in a proto3-JSON tree by its decoded value."""
    decode = decode or default_decode
    if isinstance(value, list):
        return [decode_payloads(item, decode) for item in value]
    if not isinstance(value, dict):
        return value
    if "data" in value and isinstance(value.get("metadata"), dict):
        return decode(value)
    return {key: decode_payloads(item, decode) for key, item in value.items()}


def default_decode(payload: Mapping[str, Any]) -> Any:
    """Decode like the SDK's default converter; anything else is shown by size."""
    metadata = {k: _b64(v) for k, v in payload["metadata"].items()}
    encoding = metadata.get("encoding", b"").decode(errors="replace")
    data = _b64(payload.get("data", ""))
    if encoding == "binary/null":
        return None
    if encoding == "json/plain":
        try:
            return json.loads(data)
        except ValueError:
            pass
    if encoding == "binary/plain":
        return f"<{len(data)} bytes>"
    return f"<payload {encoding or 'without encoding'}, {len(data)} bytes>"


def _b64(text: Any) -> bytes:
    try:
        return base64.b64decode(text) if isinstance(text, str) else b""
    except ValueError:
        return b""


def message_json(message: Message) -> dict[str, Any]:
    """A message as proto3 JSON, but with its 64-bit integers as numbers (event ids...)."""
    from google.protobuf.json_format import MessageToDict

    numbers: dict[str, Any] = _numbers(MessageToDict(message), message.DESCRIPTOR)
    return numbers


def _numbers(value: Any, descriptor: Any) -> Any:
    if not isinstance(value, dict) or descriptor.full_name.startswith("google.protobuf."):
        return value  # well-known types have JSON forms of their own (times, durations)
    fields = {field.json_name: field for field in descriptor.fields}
    return {key: _field_numbers(item, fields[key]) if key in fields else item
            for key, item in value.items()}


def _field_numbers(value: Any, field: FieldDescriptor) -> Any:
    if isinstance(value, list):
        return [_field_numbers(item, field) for item in value]
    if field.type in _int64_types() and isinstance(value, str):
        return int(value)
    entry = field.message_type
    if entry is None:
        return value
    if entry.GetOptions().map_entry and isinstance(value, dict):
        values = entry.fields_by_name["value"]
        return {key: _field_numbers(item, values) for key, item in value.items()}
    return _numbers(value, entry)


def summary(value: Any, width: int = SUMMARY_WIDTH, depth: int = 2) -> str:
    """One line for a value, as JavaScript debuggers show one.

    A dict by its first keys and values, a list by its length and first items, ``depth``
    levels down; a scalar as Python writes it (nested ones cut at 40 characters).
    """
    if isinstance(value, dict):
        if depth <= 0 and value:
            return "{…}"
        return _joined("{", (f"{key}: {_nested(item, width, depth)}"
                             for key, item in value.items()), "}", width)
    if isinstance(value, list):
        if depth <= 0 and value:
            return f"({len(value)}) […]"
        return f"({len(value)}) " + _joined("[", (_nested(item, width, depth)
                                                   for item in value), "]", width)
    return repr(value)


def _nested(value: Any, width: int, depth: int) -> str:
    text = summary(value, width, depth - 1)
    return text if len(text) <= 40 or isinstance(value, (dict, list)) else text[:39] + "…"


def _joined(opening: str, parts: Iterable[str], closing: str, width: int) -> str:
    text = opening
    for i, part in enumerate(parts):
        separator = ", " if i else ""
        if len(text) + len(separator) + len(part) + len(", …") + len(closing) > width:
            return text + separator + "…" + closing
        text += separator + part
    return text + closing


def event_type_name(event_type: int) -> str:
    """An event type's PascalCase name (the history package's, imported at first use)."""
    from replaydbg.history.model import event_type_name as name

    return name(event_type)


def temporal_tree(history: History, event_id: int, mappings: Sequence[Mapping[str, Any]],
                  decode: Decoder | None = None) -> dict[str, Any]:
    """The scope's content for a stop on ``event_id``; ``decode`` decodes payloads.

    ``mappings`` is the event map so far (event by event from the first), maybe partial.
    """
    mapping = mappings[event_id - 1] if len(mappings) >= event_id else None
    events = history.events
    event = events[event_id - 1]
    kind = event.WhichOneof("attributes") or ""
    attributes = message_json(getattr(event, kind)) if kind else {}
    current = {"id": event_id, "type": event_type_name(event.event_type),
               "time": event.event_time.ToJsonString(),
               "attributes": decode_payloads(attributes, decode)}
    if mapping:
        current.update(role=mapping.get("role"), note=mapping.get("note"),
                       subject=mapping.get("subject"))
    return {"event": current, "workflow": _workflow(history, decode),
            "history": _position(history, event_id, mappings),
            "pending": _pending(history, event_id)}


def _workflow(history: History, decode: Decoder | None) -> dict[str, Any]:
    started = history.events[0].workflow_execution_started_event_attributes
    return {"type": history.workflow_type, "id": history.workflow_id, "runId": history.run_id,
            "taskQueue": started.task_queue.name, "attempt": started.attempt,
            "input": decode_payloads(message_json(started.input), decode).get("payloads", []),
            "source": history.source}


def _position(history: History, event_id: int,
              mappings: Sequence[Mapping[str, Any]] = ()) -> dict[str, Any]:
    """Where the replay is: counts, and the events done, current and to come by task."""
    types = [event_type_name(e.event_type) for e in history.events]
    groups = group_by_workflow_task(types)
    started = sum(1 for t in types[:event_id] if t == "WorkflowTaskStarted")

    def events(group: TaskGroup) -> list[str]:
        return [("→ " if i == event_id else "") + _event_label(i, types[i - 1], mappings)
                for i in range(group.first, group.last + 1)]

    current = next(g for g in groups if g.first <= event_id <= g.last)
    return {"eventsDone": event_id - 1, "currentEvent": event_id,
            "eventsToCome": len(types) - event_id,
            "workflowTasks": f"{started} of {types.count('WorkflowTaskStarted')} started",
            "done": {g.label: events(g) for g in groups if g.last < event_id},
            "current": {current.label: events(current)},
            "toCome": {g.label: events(g) for g in groups if g.first > event_id}}


def _event_label(event_id: int, event_type: str, mappings: Sequence[Mapping[str, Any]]) -> str:
    """``#7 ActivityTaskCompleted (fetch_profile)`` (the subject once the map has it)."""
    mapping = mappings[event_id - 1] if len(mappings) >= event_id else None
    subject = mapping.get("subject") if mapping else None
    return f"#{event_id} {event_type}" + (f" ({subject})" if subject else "")


def _pending(history: History, event_id: int) -> dict[str, list[str]]:
    opened: dict[str, dict[int, str]] = {"activities": {}, "timers": {}, "childWorkflows": {}}
    for event in history.events[:event_id]:
        name = event_type_name(event.event_type)
        attrs: Any = getattr(event, event.WhichOneof("attributes") or "", None)
        if name == "ActivityTaskScheduled":
            opened["activities"][event.event_id] = (
                f"{attrs.activity_type.name} (id {attrs.activity_id})")
        elif name == "TimerStarted":
            opened["timers"][event.event_id] = (
                f"timer {attrs.timer_id} ({attrs.start_to_fire_timeout.ToTimedelta()})")
        elif name == "StartChildWorkflowExecutionInitiated":
            opened["childWorkflows"][event.event_id] = (
                f"{attrs.workflow_type.name} (id {attrs.workflow_id})")
        elif name.startswith("ActivityTask") and name not in ("ActivityTaskStarted",
                                                              "ActivityTaskCancelRequested"):
            opened["activities"].pop(attrs.scheduled_event_id, None)
        elif name in ("TimerFired", "TimerCanceled"):
            opened["timers"].pop(attrs.started_event_id, None)
        elif name.startswith("ChildWorkflowExecution") and name != "ChildWorkflowExecutionStarted":
            opened["childWorkflows"].pop(attrs.initiated_event_id, None)
        elif name == "StartChildWorkflowExecutionFailed":
            opened["childWorkflows"].pop(attrs.initiated_event_id, None)
    return {key: list(values.values()) for key, values in opened.items()}


class VariableStore:
    """Hands out variable references for a tree and answers ``variables`` requests."""

    def __init__(self) -> None:
        self._containers: dict[int, Any] = {}
        self._next = REFERENCE_BASE
        self._scope: int | None = None

    def clear(self) -> None:
        """Forget the previous stop's references (they are invalid once the thread runs)."""
        self._containers.clear()
        self._scope = None

    def scope(self, history: History, event_id: int, mappings: Sequence[Mapping[str, Any]],
              decode: Decoder | None = None) -> int:
        """The reference of the Temporal scope for this stop (built once per stop)."""
        if self._scope is None:
            self._scope = self.add(temporal_tree(history, event_id, mappings, decode))
        return self._scope

    def add(self, container: Any) -> int:
        """A reference for ``container`` (a dict or list)."""
        self._next += 1
        self._containers[self._next] = container
        return self._next

    def owns(self, reference: int) -> bool:
        """True for references this store handed out."""
        return reference > REFERENCE_BASE

    def variables(self, reference: int) -> list[dict[str, Any]]:
        """The DAP ``Variable`` objects of a container."""
        container = self._containers.get(reference)
        if container is None:
            return []
        items = container.items() if isinstance(container, dict) else enumerate(container)
        return [self._variable(str(name), value) for name, value in items]

    def _variable(self, name: str, value: Any) -> dict[str, Any]:
        reference = self.add(value) if isinstance(value, (dict, list)) and value else 0
        return {"name": name, "value": summary(value), "type": _type_name(value),
                "variablesReference": reference}


def _type_name(value: Any) -> str:
    """The Python type a JSON value decodes to (what the Variables view shows on hover)."""
    return {dict: "dict", list: "list", str: "str", bool: "bool", int: "int",
            float: "float"}.get(type(value), type(value).__name__)
