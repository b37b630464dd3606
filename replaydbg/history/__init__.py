"""What happened: loading, fetching, indexing and describing workflow histories."""

from typing import TYPE_CHECKING

from replaydbg.lazy_exports import lazy_exports

if TYPE_CHECKING:
    from replaydbg.history.connect import FetchOptions as FetchOptions
    from replaydbg.history.describe import short_details as short_details
    from replaydbg.history.fetch import fetch_history as fetch_history
    from replaydbg.history.index import ActivityEvents as ActivityEvents
    from replaydbg.history.index import ChildWorkflowEvents as ChildWorkflowEvents
    from replaydbg.history.index import ExternalEvents as ExternalEvents
    from replaydbg.history.index import HistoryIndex as HistoryIndex
    from replaydbg.history.index import TimerEvents as TimerEvents
    from replaydbg.history.index import UpdateEvents as UpdateEvents
    from replaydbg.history.index import WorkflowTask as WorkflowTask
    from replaydbg.history.loader import load_history as load_history
    from replaydbg.history.markers import LocalActivityMarker as LocalActivityMarker
    from replaydbg.history.markers import PatchMarker as PatchMarker
    from replaydbg.history.model import History as History
    from replaydbg.history.model import event_type_name as event_type_name
    from replaydbg.history.save import save_history as save_history
    from replaydbg.history.table import format_event_table as format_event_table
    from replaydbg.history.validate import validate_events as validate_events

__getattr__ = lazy_exports(__name__, globals(), {
    "ActivityEvents": "replaydbg.history.index",
    "ChildWorkflowEvents": "replaydbg.history.index",
    "ExternalEvents": "replaydbg.history.index",
    "FetchOptions": "replaydbg.history.connect",
    "History": "replaydbg.history.model",
    "HistoryIndex": "replaydbg.history.index",
    "LocalActivityMarker": "replaydbg.history.markers",
    "PatchMarker": "replaydbg.history.markers",
    "TimerEvents": "replaydbg.history.index",
    "UpdateEvents": "replaydbg.history.index",
    "WorkflowTask": "replaydbg.history.index",
    "event_type_name": "replaydbg.history.model",
    "fetch_history": "replaydbg.history.fetch",
    "format_event_table": "replaydbg.history.table",
    "load_history": "replaydbg.history.loader",
    "save_history": "replaydbg.history.save",
    "short_details": "replaydbg.history.describe",
    "validate_events": "replaydbg.history.validate",
})

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
