"""What happened: loading, fetching, indexing and describing workflow histories."""

from replaydbg.history.model import History, event_type_name

__all__ = ["History", "event_type_name"]
