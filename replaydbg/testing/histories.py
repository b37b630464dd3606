"""A history in whatever form a hand-written replay test holds it, as one :class:`History`.

Temporal's docs teach replay tests with ``WorkflowHistory.from_json(workflow_id, text)`` on
a downloaded file; tests also keep histories as files, as JSON in a string or a fixture's dict.
All of them load through replaydbg's own loader, so a bad history is the same named
:class:`~replaydbg.errors.InputError` with a hint as on the command line.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Union

from temporalio.client import WorkflowHistory

from replaydbg.history.jsonhistory import events_from_json
from replaydbg.history.loader import load_history
from replaydbg.history.model import History
from replaydbg.history.validate import validate_events

#: What :func:`as_history` accepts.
HistoryLike = Union[str, bytes, "os.PathLike[str]", Mapping[str, Any], WorkflowHistory, History]

#: The workflow id of a history whose first event does not record one (it does not matter
#: to a replay, but the SDK wants one).
_UNNAMED = "replayed-history"


def as_history(history: HistoryLike) -> History:
    """``history`` loaded and validated; a ``str`` is JSON when it starts with ``{``/``[``.

    A path is read as ``replaydbg replay`` reads files (any format, gzip); JSON text, bytes or
    a dict is the JSON a CLI, the Web UI or ``WorkflowHistory.to_json()`` wrote.
    """
    if isinstance(history, History):
        return history
    if isinstance(history, WorkflowHistory):
        source = f"WorkflowHistory {history.workflow_id}"
        validate_events(history.events, source)
        return History(history.workflow_id, list(history.events), source)
    if isinstance(history, Mapping):
        return _from_json(json.dumps(history).encode(), "history dict")
    if isinstance(history, bytes):
        return _from_json(history, "history JSON")
    if isinstance(history, str) and history.lstrip()[:1] in ("{", "["):
        return _from_json(history.encode(), "history JSON")
    return load_history(Path(history))


def _from_json(data: bytes, what: str) -> History:
    events = events_from_json(data, what)
    recorded = events[0].workflow_execution_started_event_attributes.workflow_id
    source = f"{what} ({recorded})" if recorded else what
    return History(recorded or _UNNAMED, events, source)
