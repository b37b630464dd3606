"""Load a workflow history from a file, whatever format the user saved it in."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from temporalio.api.history.v1 import HistoryEvent

from replaydbg.history.formats import decompress, events_from_bytes
from replaydbg.history.limits import history_cap, read_bounded
from replaydbg.history.model import History

#: Suffixes stripped from a file name to get the default workflow id.
_HISTORY_SUFFIXES = (".gz", ".json", ".pb", ".binpb", ".bin")


def load_history(
    path: str | Path, *, workflow_id: str | None = None, max_size: int | None = None
) -> History:
    """Read, parse and validate the history in ``path``.

    Formats are recognised by content: proto3 JSON (CLI, Web UI, ``WorkflowHistory.to_json``),
    legacy or mixed JSON, a bare event list, binary protobuf, and gzip of any of them.
    The workflow id is ``workflow_id`` if given, else the one recorded in the first event
    (recent servers store it there), else the file name without its suffixes.
    Only regular files are read, and neither the file nor what gzip expands it to may pass
    ``max_size`` bytes (default: :func:`~replaydbg.history.limits.history_cap`).
    Raises ``HistoryFileError`` / ``HistoryContentError`` naming the file.
    """
    file = Path(path)
    source = str(file)
    cap = history_cap() if max_size is None else max_size
    data = decompress(read_bounded(file, source, cap), source, cap=cap)
    events = events_from_bytes(data, source)
    return History(workflow_id or _default_workflow_id(events, file), events, source)


def _default_workflow_id(events: Sequence[HistoryEvent], file: Path) -> str:
    recorded = events[0].workflow_execution_started_event_attributes.workflow_id
    if recorded:
        return recorded
    name = file.name
    while name.endswith(_HISTORY_SUFFIXES) and "." in name[1:]:
        name = name[: name.rindex(".")]
    return name
