"""The JSON shapes of DAP requests, checked before any handler (ours or debugpy's) sees one.

Editors and scripts send what they like: a ``launch`` whose arguments are a string, a
``setExceptionBreakpoints`` whose filters are one string (which Python would happily take
as a list of characters). The table below holds, for the requests this adapter handles or
forwards, the argument types the DAP specification gives; a request that does not fit gets
an error response naming the field, never an ``AttributeError`` from deep in a handler.
Launch attributes themselves are checked by :mod:`replaydbg.dap.adapter.config`.

A field spec is a kind: ``str``, ``int``, ``bool``, ``object``, ``number``, ``list[KIND]``,
or the name of an object shape from :data:`OBJECTS`; a field name ending in ``!`` is
required (as in the specification).
"""

from __future__ import annotations

from typing import Any

Shape = dict[str, str]

#: Object types the requests below use, by their name in the specification.
OBJECTS: dict[str, Shape] = {
    "Source": {"name": "str", "path": "str", "sourceReference": "int"},
    "SourceBreakpoint": {"line!": "int", "column": "int", "condition": "str",
                         "hitCondition": "str", "logMessage": "str"},
    "FunctionBreakpoint": {"name!": "str", "condition": "str", "hitCondition": "str"},
    "ExceptionFilterOptions": {"filterId!": "str", "condition": "str", "mode": "str"},
    "ExceptionOptions": {"breakMode!": "str", "path": "list[object]"},
    "StackFrameFormat": {},
    "ValueFormat": {"hex": "bool"},
}

_THREAD = {"threadId!": "int", "singleThread": "bool", "granularity": "str"}

#: Request command -> the shape of its ``arguments``.
REQUESTS: dict[str, Shape] = {
    "initialize": {"adapterID!": "str", "clientID": "str", "clientName": "str",
                   "locale": "str", "linesStartAt1": "bool", "columnsStartAt1": "bool",
                   "pathFormat": "str", "supportsVariableType": "bool",
                   "supportsVariablePaging": "bool", "supportsRunInTerminalRequest": "bool",
                   "supportsProgressReporting": "bool", "supportsInvalidatedEvent": "bool"},
    "launch": {"noDebug": "bool"},
    "attach": {},
    "disconnect": {"restart": "bool", "terminateDebuggee": "bool", "suspendDebuggee": "bool"},
    "terminate": {"restart": "bool"},
    "configurationDone": {},
    "setBreakpoints": {"source!": "Source", "breakpoints": "list[SourceBreakpoint]",
                       "lines": "list[int]", "sourceModified": "bool"},
    "setFunctionBreakpoints": {"breakpoints!": "list[FunctionBreakpoint]"},
    "setExceptionBreakpoints": {"filters!": "list[str]",
                                "filterOptions": "list[ExceptionFilterOptions]",
                                "exceptionOptions": "list[ExceptionOptions]"},
    "continue": _THREAD, "next": _THREAD, "stepIn": {**_THREAD, "targetId": "int"},
    "stepOut": _THREAD, "stepBack": _THREAD, "reverseContinue": _THREAD,
    "pause": {"threadId!": "int"},
    "stackTrace": {"threadId!": "int", "startFrame": "int", "levels": "int",
                   "format": "StackFrameFormat"},
    "scopes": {"frameId!": "int"},
    "variables": {"variablesReference!": "int", "filter": "str", "start": "int",
                  "count": "int", "format": "ValueFormat"},
    "evaluate": {"expression!": "str", "frameId": "int", "context": "str",
                 "format": "ValueFormat"},
    "setVariable": {"variablesReference!": "int", "name!": "str", "value!": "str"},
    "setExpression": {"expression!": "str", "value!": "str", "frameId": "int"},
    "exceptionInfo": {"threadId!": "int"},
    "gotoTargets": {"source!": "Source", "line!": "int", "column": "int"},
    "source": {"source": "Source", "sourceReference!": "int"},
    "threads": {},
    "temporal/nextEvent": {"threadId": "int"},
    "temporal/runToEvent": {"eventId!": "int", "threadId": "int"},
    "temporal/history": {},
}

_SCALARS: dict[str, tuple[type, ...]] = {
    "str": (str,), "bool": (bool,), "object": (dict,), "number": (int, float),
}
_NAMES = {"str": "a string", "int": "an integer", "bool": "true or false",
          "object": "an object", "number": "a number"}


def request_problem(request: dict[str, Any]) -> str | None:
    """What is wrong with ``request``'s command or arguments, or None if they fit."""
    command = request.get("command")
    if not isinstance(command, str) or not command:
        return f"a request needs a string 'command', not {_json_name(command)}"
    arguments = request.get("arguments")
    if arguments is None:
        arguments = {}
    if not isinstance(arguments, dict):
        return f"'{command}': arguments must be an object, not {_json_name(arguments)}"
    shape = REQUESTS.get(command)
    if shape is None:
        return None
    problem = _object_problem(arguments, shape, "arguments")
    return f"'{command}': {problem}" if problem else None


def _object_problem(value: dict[str, Any], shape: Shape, where: str) -> str | None:
    for spec, kind in shape.items():
        name = spec.rstrip("!")
        if name not in value or value[name] is None:
            if spec.endswith("!"):
                return f"{where}.{name} is required ({_kind_name(kind)})"
            continue
        problem = _value_problem(value[name], kind, f"{where}.{name}")
        if problem:
            return problem
    return None


def _value_problem(value: Any, kind: str, where: str) -> str | None:
    if kind.startswith("list["):
        if not isinstance(value, list):
            return f"{where} must be {_kind_name(kind)}, not {_json_name(value)}"
        item_kind = kind[5:-1]
        for index, item in enumerate(value):
            problem = _value_problem(item, item_kind, f"{where}[{index}]")
            if problem:
                return problem
        return None
    if kind in OBJECTS:
        if not isinstance(value, dict):
            return f"{where} must be {_kind_name(kind)}, not {_json_name(value)}"
        return _object_problem(value, OBJECTS[kind], where)
    if not _is_kind(value, kind):
        return f"{where} must be {_kind_name(kind)}, not {_json_name(value)}"
    return None


def _is_kind(value: Any, kind: str) -> bool:
    if kind == "int":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "number" and isinstance(value, bool):
        return False
    return isinstance(value, _SCALARS[kind])


def _kind_name(kind: str) -> str:
    if kind.startswith("list["):
        return f"a list of {_plural(kind[5:-1])}"
    if kind in OBJECTS:
        return f"a {kind} object"
    return _NAMES[kind]


def _plural(kind: str) -> str:
    return {"str": "strings", "int": "integers", "bool": "booleans", "object": "objects",
            "number": "numbers"}.get(kind, f"{kind} objects")


def _json_name(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, list):
        return "a list"
    return "an object"
