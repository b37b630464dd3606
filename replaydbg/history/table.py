"""The event table of ``replaydbg history show``: one line per event, grouped by workflow task.

A rule line starts each workflow task (at its WorkflowTaskScheduled event), so the events a
task saw and the commands it produced read as one block, the unit in which replay works.
Decoded payloads, when given, follow the details as ``name=value``, each cut short.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from temporalio.api.enums.v1 import EventType
from temporalio.api.history.v1 import HistoryEvent

from replaydbg.history.describe import short_details
from replaydbg.history.model import History, event_type_name
from replaydbg.history.payload_text import short_text
from replaydbg.history.text import words

_TASK_SCHEDULED = EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED
_HEADERS = ("ID", "TIME", "TYPE", "DETAILS")


def format_event_table(history: History,
                       decoded: Mapping[int, Mapping[str, Any]] | None = None) -> str:
    """The whole history as an aligned text table (no trailing newline).

    ``decoded`` holds the decoded payloads by event id and path (see ``decoded.py``).
    """
    decoded = decoded or {}
    rows = [_row(event, decoded.get(event.event_id, {})) for event in history.events]
    widths = [max([len(_HEADERS[col])] + [len(row[col]) for row in rows]) for col in range(3)]
    lines = [_line(_HEADERS, widths)]
    rule = "  ".join("-" * width for width in widths)
    for index, (event, row) in enumerate(zip(history.events, rows, strict=True)):
        if event.event_type == _TASK_SCHEDULED and index > 1:
            lines.append(rule)
        lines.append(_line(row, widths))
    return "\n".join(lines)


def _row(event: HistoryEvent, values: Mapping[str, Any]) -> tuple[str, str, str, str]:
    details = short_details(event)
    payloads = _payload_words(values)
    if payloads:
        details = _without_bare_words(details, values)
    return (
        str(event.event_id), _time(event), event_type_name(event.event_type),
        words(details, *payloads),
    )


def _without_bare_words(details: str, values: Mapping[str, Any]) -> str:
    """Drop ``-`` and the describers' bare ``result``/``success`` that the values now show."""
    shown = {path.rpartition(".")[2] for path in values} | {"-"}
    kept: list[str] = []
    quotes = 0
    for token in details.split(" "):
        if quotes % 2 or token not in shown:
            kept.append(token)
        quotes += token.count('"')
    return " ".join(kept)


def _payload_words(values: Mapping[str, Any]) -> list[str]:
    """``input=["a", 3]``: the last part of each path, unless two places share it."""
    names = [path.rpartition(".")[2] for path in values]
    return [f"{name if names.count(name) == 1 else path}={short_text(value)}"
            for name, (path, value) in zip(names, values.items(), strict=True)]


def _time(event: HistoryEvent) -> str:
    if not event.HasField("event_time"):
        return "-"
    moment = event.event_time.ToDatetime()
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def _line(cells: tuple[str, ...], widths: list[int]) -> str:
    event_id, time, kind, details = cells
    return (
        f"{event_id:>{widths[0]}}  {time:<{widths[1]}}  {kind:<{widths[2]}}  {details}".rstrip()
    )
