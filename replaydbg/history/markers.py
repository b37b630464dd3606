"""What the Temporal core writes into its marker events, decoded.

The Python SDK (through the Rust core) records two markers:

- ``core_patch`` for ``workflow.patched()`` / ``deprecate_patch()``: details key ``patch-data``
  holds a JSON payload ``{"id": ..., "deprecated": ...}``; older cores wrote the keys
  ``patch_id`` (UTF-8 bytes) and ``deprecated`` (one byte) instead.
- ``core_local_activity`` for a completed local activity: details key ``data`` holds JSON
  ``{"seq", "attempt", "activity_id", "activity_type", ...}``, ``result`` the result payload,
  and the marker's ``failure`` the failure. ``seq`` is the workflow's local-activity sequence
  number, the same number the ``resolve_activity`` job carries.

Anything that does not decode gives None: markers of other SDKs or hand-made ones are still
shown, just without these details.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from temporalio.api.history.v1 import MarkerRecordedEventAttributes

PATCH_MARKER_NAME = "core_patch"
LOCAL_ACTIVITY_MARKER_NAME = "core_local_activity"


@dataclass(frozen=True)
class PatchMarker:
    """A ``workflow.patched(patch_id)`` call recorded in history."""

    patch_id: str
    deprecated: bool


@dataclass(frozen=True)
class LocalActivityMarker:
    """A completed local activity recorded in history."""

    seq: int
    activity_id: str
    activity_type: str
    attempt: int


def patch_marker(attrs: MarkerRecordedEventAttributes) -> PatchMarker | None:
    """The patch a ``core_patch`` marker records, or None for any other marker."""
    if attrs.marker_name != PATCH_MARKER_NAME:
        return None
    data = _first_json(attrs, "patch-data")
    if isinstance(data, dict) and isinstance(data.get("id"), str):
        return PatchMarker(data["id"], bool(data.get("deprecated", False)))
    return _old_style_patch(attrs)


def _old_style_patch(attrs: MarkerRecordedEventAttributes) -> PatchMarker | None:
    id_data = _first_bytes(attrs, "patch_id")
    if id_data is None:
        return None
    deprecated = _first_bytes(attrs, "deprecated")
    try:
        patch_id = id_data.decode()
    except UnicodeDecodeError:
        return None
    return PatchMarker(patch_id, bool(deprecated and deprecated[0]))


def local_activity_marker(attrs: MarkerRecordedEventAttributes) -> LocalActivityMarker | None:
    """The local activity a ``core_local_activity`` marker records, or None."""
    if attrs.marker_name != LOCAL_ACTIVITY_MARKER_NAME:
        return None
    data = _first_json(attrs, "data")
    if not isinstance(data, dict) or not isinstance(data.get("seq"), int):
        return None
    return LocalActivityMarker(
        seq=data["seq"],
        activity_id=str(data.get("activity_id", "")),
        activity_type=str(data.get("activity_type", "")),
        attempt=int(data.get("attempt") or 1),
    )


def _first_bytes(attrs: MarkerRecordedEventAttributes, key: str) -> bytes | None:
    payloads = attrs.details.get(key)
    if payloads is None or not payloads.payloads:
        return None
    return payloads.payloads[0].data


def _first_json(attrs: MarkerRecordedEventAttributes, key: str) -> Any:
    # The core reads these as JSON whatever the payload's encoding says; so do we.
    data = _first_bytes(attrs, key)
    if data is None:
        return None
    try:
        return json.loads(data)
    except ValueError:
        return None
