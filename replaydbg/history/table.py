"""The event table of ``replaydbg history show``: one line per event, grouped by workflow task.

A rule line starts each workflow task (at its WorkflowTaskScheduled event), so the events a
task saw and the commands it produced read as one block, the unit in which replay works.
"""

from __future__ import annotations

from temporalio.api.enums.v1 import EventType
from temporalio.api.history.v1 import HistoryEvent

from replaydbg.history.describe import short_details
from replaydbg.history.model import History, event_type_name

_TASK_SCHEDULED = EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED
_HEADERS = ("ID", "TIME", "TYPE", "DETAILS")


def format_event_table(history: History) -> str:
    """The whole history as an aligned text table (no trailing newline)."""
    rows = [_row(event) for event in history.events]
    widths = [max([len(_HEADERS[col])] + [len(row[col]) for row in rows]) for col in range(3)]
    lines = [_line(_HEADERS, widths)]
    rule = "  ".join("-" * width for width in widths)
    for index, (event, row) in enumerate(zip(history.events, rows, strict=True)):
        if event.event_type == _TASK_SCHEDULED and index > 1:
            lines.append(rule)
        lines.append(_line(row, widths))
    return "\n".join(lines)


def _row(event: HistoryEvent) -> tuple[str, str, str, str]:
    return (
        str(event.event_id), _time(event), event_type_name(event.event_type),
        short_details(event),
    )


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
