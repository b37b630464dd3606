"""JSON histories in every shape users have, into protobuf events.

Accepted: ``{"events": [...]}`` (``temporal workflow show --output json``, the Web UI download,
``WorkflowHistory.to_json()``), a bare list of events, and ``{"history": {"events": [...]}}``
(the raw ``GetWorkflowExecutionHistory`` response); proto3 names or the legacy ones (PascalCase
enums, integer ids) or a mix.

Unlike ``WorkflowHistory.from_json``, which rewrites enum names in every event of every file,
the legacy rewrite runs only when the event types show it is needed, and conversion goes
through ``protojson``'s fast path; together that makes loading several times faster.
"""

from __future__ import annotations

import json
from typing import Any

from google.protobuf import json_format
from temporalio.api.history.v1 import History, HistoryEvent

from replaydbg.errors import HistoryContentError, HistoryFileError
from replaydbg.history import legacy, protojson
from replaydbg.history.validate import validate_events

#: Top-level keys of ``temporal workflow describe --output json``.
_DESCRIPTION_KEYS = frozenset({"workflowExecutionInfo", "executionConfig", "pendingActivities"})
_SHOW_HINT = "save the history with `temporal workflow show --workflow-id ID --output json`"


def events_from_json(data: bytes, source: str) -> list[HistoryEvent]:
    """Parse and validate a JSON history; errors name ``source`` and say what to do."""
    document = _decode(data, source)
    raw_events = _raw_events(document, source)
    events = list(_to_history(raw_events, source).events)
    validate_events(events, source, raw_type=lambda index: _raw_type(raw_events, index))
    return events


def _decode(data: bytes, source: str) -> Any:
    try:
        return json.loads(data)
    except UnicodeDecodeError as err:
        raise HistoryFileError(
            f"{source}: the JSON is not UTF-8 text ({err.reason} at byte {err.start}); it is "
            "probably in a single-byte encoding such as Latin-1 or Windows-1252",
            hint="re-save it as UTF-8 (in an editor, or `iconv -f LATIN1 -t UTF-8 FILE`); "
            "Temporal writes JSON histories in UTF-8",
        ) from err
    except RecursionError as err:
        raise HistoryFileError(
            f"{source}: the JSON is nested too deeply to be a history (arrays or objects "
            "inside each other thousands of levels deep)",
            hint="the file is damaged or was not written by Temporal; " + _SHOW_HINT,
        ) from err
    except json.JSONDecodeError as err:
        raise _json_error(err, data, source) from err


def _json_error(err: json.JSONDecodeError, data: bytes, source: str) -> HistoryFileError:
    where = f"line {err.lineno}, column {err.colno}"
    if _is_truncated(err):
        return HistoryFileError(
            f"{source}: the JSON is truncated: it ends at {where} in the middle of a value",
            hint="the download or copy was cut short; save the history again",
        )
    if err.msg == "Extra data":
        return HistoryFileError(
            f"{source}: more than one JSON document (the second starts at {where})",
            hint="keep a single history per file; " + _SHOW_HINT,
        )
    return HistoryFileError(f"{source}: invalid JSON at {where}: {err.msg}", hint=_SHOW_HINT)


def _is_truncated(err: json.JSONDecodeError) -> bool:
    # A string cannot span lines in JSON, so an unterminated one means the text just stops.
    return err.pos >= len(err.doc.rstrip()) or err.msg.startswith("Unterminated string")


def _raw_events(document: Any, source: str) -> list[Any]:
    if isinstance(document, dict) and isinstance(document.get("history"), dict):
        document = document["history"]  # a GetWorkflowExecutionHistory response
    if isinstance(document, list):
        events = document
    elif isinstance(document, dict) and "events" in document:
        events = document["events"]
    else:
        raise _not_a_history(document, source)
    if not isinstance(events, list):
        raise HistoryFileError(
            f'{source}: "events" is a {type(events).__name__}, not a list of events',
            hint=_SHOW_HINT,
        )
    _check_items(events, source)
    return events


def _check_items(events: list[Any], source: str) -> None:
    for index, item in enumerate(events):
        if not isinstance(item, dict) or "eventType" not in item and "event_type" not in item:
            raise HistoryFileError(
                f"{source}: item {index} of the event list is not a history event "
                f"(no eventType): {_preview(item)}",
                hint=_SHOW_HINT,
            )


def _not_a_history(document: Any, source: str) -> HistoryFileError:
    if not isinstance(document, dict):
        return HistoryFileError(
            f"{source}: the JSON is {_json_kind(document)}, not a workflow history",
            hint=_SHOW_HINT,
        )
    keys = ", ".join(sorted(document)) or "none"
    if _DESCRIPTION_KEYS & set(document):
        what = "a workflow description (`temporal workflow describe`), not its history"
    else:
        what = 'not a workflow history: no "events" list'
    return HistoryFileError(f"{source}: {what}; keys found: {keys}", hint=_SHOW_HINT)


def _json_kind(value: Any) -> str:
    if value is None:
        return "just `null`"
    if isinstance(value, bool):
        return f"just `{str(value).lower()}`"
    if isinstance(value, str):
        return f"a lone string {_preview(value)}"
    return f"a lone number ({_preview(value)})"


def _to_history(raw_events: list[Any], source: str) -> History:
    document = {"events": raw_events}
    if legacy.uses_legacy_names(raw_events):
        legacy.normalise_enum_names(document)
    history = _fast_parse(document)
    if history is not None:
        return history
    legacy.normalise_enum_names(document)  # a legacy name may hide outside the event types
    try:
        return json_format.ParseDict(document, History(), ignore_unknown_fields=True)
    except json_format.ParseError as err:
        raise HistoryContentError(
            f"{source}: an event does not match the Temporal history schema: {err}",
            hint="the file may have been edited by hand; " + _SHOW_HINT,
        ) from err


def _fast_parse(document: dict[str, Any]) -> History | None:
    """The fast path's result, or None when the reference parser must decide."""
    try:
        return protojson.parse_dict(document, History())
    except Exception:  # any surprise at all: ParseDict gives the answer or the error
        return None


def _raw_type(raw_events: list[Any], index: int) -> object:
    item = raw_events[index] if index < len(raw_events) else None
    return item.get("eventType", item.get("event_type")) if isinstance(item, dict) else None


def _preview(value: Any, limit: int = 60) -> str:
    text = json.dumps(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."
