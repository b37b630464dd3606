"""What happened: loading, fetching, indexing and describing workflow histories."""

from replaydbg.history.connect import FetchOptions
from replaydbg.history.describe import short_details
from replaydbg.history.fetch import fetch_history
from replaydbg.history.index import (
    ActivityEvents,
    ChildWorkflowEvents,
    ExternalEvents,
    HistoryIndex,
    TimerEvents,
    UpdateEvents,
    WorkflowTask,
)
from replaydbg.history.loader import load_history
from replaydbg.history.markers import LocalActivityMarker, PatchMarker
from replaydbg.history.model import History, event_type_name
from replaydbg.history.save import save_history
from replaydbg.history.table import format_event_table
from replaydbg.history.validate import validate_events

__all__ = [
    "ActivityEvents",
    "ChildWorkflowEvents",
    "ExternalEvents",
    "FetchOptions",
    "History",
    "HistoryIndex",
    "LocalActivityMarker",
    "PatchMarker",
    "TimerEvents",
    "UpdateEvents",
    "WorkflowTask",
    "event_type_name",
    "fetch_history",
    "format_event_table",
    "load_history",
    "save_history",
    "short_details",
    "validate_events",
]
