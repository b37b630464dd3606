"""Real histories and the conversions that turn them into every format users have.

The peer histories come from the Temporal Python SDK's own tests (see their README); the rich
history was recorded here (``record_rich_history.py``). Conversions are written independently
of the loader, from what the old tools wrote, so a loader bug is not mirrored in the test.
"""

from __future__ import annotations

import copy
import gzip
import json
import os
import re
from pathlib import Path
from typing import Any

from temporalio.api.history.v1 import History as HistoryMessage
from temporalio.api.history.v1 import HistoryEvent
from temporalio.client import WorkflowHistory

DATA = Path(__file__).resolve().parent / "data"
RICH = DATA / "rich_history.json"
PEER_DIR = Path(
    os.environ.get(
        "REPLAYDBG_PEER_HISTORIES",
        Path(__file__).resolve().parents[3] / "shared" / "peer-histories",
    )
)


def peer_paths() -> list[Path]:
    return sorted(PEER_DIR.glob("*.json"))


def sample_paths() -> list[Path]:
    """Every real history available: the peers and the rich recording."""
    return [*peer_paths(), RICH]


def reference_events(path: Path) -> list[HistoryEvent]:
    """The SDK's own reading of a JSON history file: what every format must load into."""
    return list(WorkflowHistory.from_json("reference", path.read_text()).events)


# Enum prefixes whose values old tools wrote in PascalCase without the prefix.
_LEGACY_PREFIXES = (
    "EVENT_TYPE_", "TASK_QUEUE_KIND_", "RETRY_STATE_", "TIMEOUT_TYPE_",
    "CONTINUE_AS_NEW_INITIATOR_", "PARENT_CLOSE_POLICY_", "WORKFLOW_ID_REUSE_POLICY_",
    "WORKFLOW_TASK_FAILED_CAUSE_", "START_CHILD_WORKFLOW_EXECUTION_FAILED_CAUSE_",
    "SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_FAILED_CAUSE_",
    "CANCEL_EXTERNAL_WORKFLOW_EXECUTION_FAILED_CAUSE_",
)
_INT_KEYS = re.compile(r"^(eventId|taskId|version|\w+EventId)$")


def pascal(proto3_name: str) -> str:
    """``EVENT_TYPE_ACTIVITY_TASK_SCHEDULED`` -> ``ActivityTaskScheduled``."""
    for prefix in _LEGACY_PREFIXES:
        if proto3_name.startswith(prefix):
            rest = proto3_name[len(prefix):]
            return "".join(part.capitalize() for part in rest.split("_"))
    return proto3_name


def to_legacy(document: Any, *, int_ids: bool = True) -> Any:
    """A proto3 JSON history as old tools wrote it: PascalCase enums, optionally int ids."""
    if isinstance(document, dict):
        out: dict[str, Any] = {}
        for key, value in document.items():
            if isinstance(value, str) and int_ids and _INT_KEYS.match(key) and value.isdigit():
                out[key] = int(value)
            elif isinstance(value, str):
                out[key] = pascal(value)
            else:
                out[key] = to_legacy(value, int_ids=int_ids)
        return out
    if isinstance(document, list):
        return [to_legacy(item, int_ids=int_ids) for item in document]
    return document


def proto3_document(path: Path) -> dict[str, Any]:
    """The history in ``path`` as proto3 JSON, whatever format the file uses."""
    document: dict[str, Any] = json.loads(WorkflowHistory("x", reference_events(path)).to_json())
    return document


def binary(path: Path) -> bytes:
    return HistoryMessage(events=reference_events(path)).SerializeToString()


def write(path: Path, data: bytes | str | Any, *, compress: bool = False) -> Path:
    """Write JSON-able objects as JSON, str and bytes as they are; optionally gzipped."""
    if isinstance(data, str):
        raw = data.encode()
    elif isinstance(data, bytes):
        raw = data
    else:
        raw = json.dumps(data, indent=2).encode()
    path.write_bytes(gzip.compress(raw) if compress else raw)
    return path


def without_event(document: dict[str, Any], event_id: str) -> dict[str, Any]:
    changed = copy.deepcopy(document)
    changed["events"] = [e for e in changed["events"] if e["eventId"] != event_id]
    return changed
