"""The decoded payloads of a whole history, event by event, in one pass over the codec.

``{event_id: {path: value}}`` where ``path`` is the proto3 JSON path of the payloads below
the event's attributes (``input``, ``result``, ``failure.applicationFailureInfo.details``)
and ``value`` the list of decoded values of a ``Payloads``, or the one value of a ``Payload``.
Events without payloads are left out.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from temporalio.api.common.v1 import Payload

from replaydbg.history.event_payloads import PayloadPlace, payload_places
from replaydbg.history.model import History
from replaydbg.history.payload_text import PayloadDecoder

DecodedEvents = dict[int, dict[str, Any]]


async def decode_history(history: History, decoder: PayloadDecoder) -> DecodedEvents:
    """Decode every payload of ``history`` (all at once, so a codec server gets few requests)."""
    places = {event.event_id: payload_places(event) for event in history.events}
    flat: list[Payload] = [p for found in places.values() for place in found
                           for p in place.payloads]
    values = iter(await decoder.decode_all(flat))
    return {event_id: dict(_assign(found, values))
            for event_id, found in places.items() if found}


def _assign(found: list[PayloadPlace], values: Iterator[Any]) -> Iterator[tuple[str, Any]]:
    for place in found:
        decoded = [next(values) for _ in place.payloads]
        yield place.path, decoded[0] if place.single else decoded
