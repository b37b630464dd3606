"""What happened: loading, fetching, indexing and describing workflow histories."""

from replaydbg.history.loader import load_history
from replaydbg.history.model import History, event_type_name
from replaydbg.history.validate import validate_events

__all__ = ["History", "event_type_name", "load_history", "validate_events"]
