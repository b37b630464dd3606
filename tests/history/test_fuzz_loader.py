"""Fuzzing the history loader: mutations of real histories load, or fail as input errors.

Whatever the bytes, the outcome is a :class:`History` or an :class:`InputError` (exit 2),
never another exception, and it comes fast (bounded time; memory is bounded by the size cap).
"""

from __future__ import annotations

import copy
import gzip
import json
import tempfile
import time
from pathlib import Path
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from replaydbg.errors import InputError
from replaydbg.history import History, load_history
from tests.history.samples import RICH, binary, sample_paths

ROOT = Path(__file__).resolve().parents[2]
SOURCES = sorted({*sample_paths(), *ROOT.glob("examples/*/history.json"),
                  *ROOT.glob("examples/incidents/*.json")})
_DOCUMENTS = {path: json.loads(path.read_text()) for path in SOURCES}
_SECONDS = 10.0

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner,
                                                                  max_size=3),
    max_leaves=8)


def _load(data: bytes) -> History | InputError:
    with tempfile.NamedTemporaryFile(suffix=".json") as file:
        file.write(data)
        file.flush()
        started = time.monotonic()
        try:
            outcome: History | InputError = load_history(file.name)
        except InputError as err:
            assert err.hint or "\n" not in str(err)
            outcome = err
        assert time.monotonic() - started < _SECONDS
    return outcome


@st.composite
def mutated_documents(draw: st.DrawFn) -> Any:
    """A real history's JSON with a few events or fields changed, dropped, moved or doubled."""
    document = copy.deepcopy(_DOCUMENTS[draw(st.sampled_from(SOURCES))])
    events = document["events"] if isinstance(document, dict) else document
    for _ in range(draw(st.integers(1, 4))):
        index = draw(st.integers(0, len(events) - 1))
        action = draw(st.sampled_from(["drop", "double", "swap", "field", "retype", "key"]))
        event = events[index]
        if action == "drop":
            events.pop(index)
        elif action == "double":
            events.insert(index, copy.deepcopy(event))
        elif action == "swap":
            other = draw(st.integers(0, len(events) - 1))
            events[index], events[other] = events[other], events[index]
        elif action == "field" and isinstance(event, dict) and event:
            event[draw(st.sampled_from(sorted(event)))] = draw(json_values)
        elif action == "retype" and isinstance(event, dict):
            event["eventType"] = draw(st.sampled_from([
                "EVENT_TYPE_TIMER_STARTED", "EVENT_TYPE_ACTIVITY_TASK_SCHEDULED", "TimerFired",
                "EVENT_TYPE_WORKFLOW_EXECUTION_STARTED", "NoSuchType", 7, None]))
        elif action == "key" and isinstance(event, dict):
            event[draw(st.text(max_size=30))] = draw(json_values)
        if not events:
            break
    return document


@given(mutated_documents(), st.booleans())
def test_mutated_json_histories(document: Any, compressed: bool) -> None:
    data = json.dumps(document).encode()
    _load(gzip.compress(data) if compressed else data)


@st.composite
def mutated_bytes(draw: st.DrawFn) -> bytes:
    """A real history's bytes (JSON, binary or gzip) with bytes flipped, cut or inserted."""
    path = draw(st.sampled_from(SOURCES))
    form = draw(st.sampled_from(["json", "binary", "gzip"]))
    data = bytearray(path.read_bytes() if form == "json" else binary(path))
    if form == "gzip":
        data = bytearray(gzip.compress(bytes(data)))
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, max(len(data) - 1, 0)))
        action = draw(st.sampled_from(["flip", "cut", "insert", "delete"]))
        if action == "flip" and data:
            data[at] ^= 1 << draw(st.integers(0, 7))
        elif action == "cut":
            del data[at:]
        elif action == "insert":
            data[at:at] = draw(st.binary(max_size=16))
        elif action == "delete":
            del data[at:at + draw(st.integers(1, 64))]
    return bytes(data)


@given(mutated_bytes())
def test_mutated_bytes(data: bytes) -> None:
    _load(data)


@given(st.binary(max_size=512))
def test_arbitrary_bytes(data: bytes) -> None:
    _load(data)


def test_the_unmutated_sources_load() -> None:
    for path in [RICH, *SOURCES[:3]]:
        assert isinstance(_load(path.read_bytes()), History)
