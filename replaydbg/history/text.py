"""Small text helpers shared by the event describers and the event table."""

from __future__ import annotations

from typing import Any

from google.protobuf.descriptor import EnumDescriptor
from google.protobuf.duration_pb2 import Duration
from temporalio.api.failure.v1 import Failure

#: Longest quoted message (failure, reason) in a one-line description.
MESSAGE_LIMIT = 60


def words(*parts: str) -> str:
    """Join the non-empty parts with single spaces."""
    return " ".join(part for part in parts if part)


def quoted(text: str, limit: int) -> str:
    """``text`` on one line, cut to ``limit`` characters, in double quotes."""
    flat = " ".join(text.split())
    if len(flat) > limit:
        flat = flat[: limit - 1] + "…"
    return f'"{flat}"'


def enum_label(enum: Any, value: int) -> str:
    """``RETRY_STATE_NON_RETRYABLE_FAILURE`` -> ``NonRetryableFailure``, like the Web UI.

    ``enum`` is a generated enum wrapper (``RetryState``) or an ``EnumDescriptor``. Numbers this
    version does not know are shown as numbers rather than raising.
    """
    descriptor: EnumDescriptor = getattr(enum, "DESCRIPTOR", enum)
    known = descriptor.values_by_number.get(value)
    if known is None:
        return str(value)
    name = known.name
    first = descriptor.values[0].name
    if first.endswith("_UNSPECIFIED"):
        name = name.removeprefix(first[: -len("UNSPECIFIED")])
    return "".join(part.capitalize() for part in name.split("_"))


def failure_text(failure: Failure) -> str:
    """The failure's message, quoted and cut short, plus its root cause's if different."""
    message = failure.message or _failure_kind(failure)
    root = failure
    while root.HasField("cause"):
        root = root.cause
    text = quoted(message, MESSAGE_LIMIT)
    if root is not failure and root.message and root.message != message:
        text += " cause=" + quoted(root.message, MESSAGE_LIMIT)
    return text


def _failure_kind(failure: Failure) -> str:
    kind = failure.WhichOneof("failure_info")
    return kind.removesuffix("_failure_info").replace("_", " ") if kind else "failure"


def duration_text(duration: Duration) -> str:
    """``1h2m3s``, ``1.5s``, ``250ms``: compact and exact enough for timers and timeouts."""
    total_ms = duration.seconds * 1000 + duration.nanos // 1_000_000
    if total_ms < 1000:
        return f"{total_ms}ms"
    hours, rest = divmod(total_ms, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds = f"{rest / 1000:g}s" if rest else ""
    return f"{hours}h" * bool(hours) + f"{minutes}m" * bool(minutes) + seconds
