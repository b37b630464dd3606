"""Activity arguments of the code against the input recorded in history, decoded.

Temporal's replay does not compare them: changed arguments replay "fine". The command the
code issues holds the payload converter's output; history holds what the payload codec made
of it (compressed, encrypted: bytes that differ even for equal values). So with a codec the
recorded inputs are decoded through it first, all at once before the replay (a codec server
then gets a few batched requests), and both sides are compared as the converter wrote them.
A difference is shown with both values decoded, cut short.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TypeAlias

from temporalio.api.common.v1 import Payload
from temporalio.api.enums.v1 import EventType
from temporalio.api.history.v1 import HistoryEvent
from temporalio.converter import DataConverter

from replaydbg.errors import ReplaydbgError
from replaydbg.history import History
from replaydbg.history.payload_text import PayloadDecoder, short_text

logger = logging.getLogger(__name__)

_SCHEDULED = EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED


@dataclass(frozen=True)
class InputComparison:
    """Compares a command's activity arguments with its event's recorded input.

    ``decoded`` holds, by event id, recorded inputs with the codec undone; events not in it
    are compared as history holds them (right when no codec is in use).
    """

    decoder: PayloadDecoder = field(default_factory=PayloadDecoder)
    decoded: Mapping[int, Sequence[Payload]] = field(default_factory=dict)

    def difference(self, activity_type: str, arguments: Sequence[Payload],
                   event: HistoryEvent) -> str | None:
        """The sentence saying how the arguments differ, or None when they do not."""
        recorded = self.decoded.get(event.event_id)
        if recorded is None:
            recorded = event.activity_task_scheduled_event_attributes.input.payloads
        if [p.data for p in arguments] == [p.data for p in recorded]:
            return None
        return (f"arguments of activity {activity_type} differ from the recorded input: "
                f"recorded {self._shown(recorded)}, now {self._shown(arguments)}")

    def _shown(self, payloads: Sequence[Payload]) -> str:
        return short_text([self.decoder.convert(p) for p in payloads])


#: What the event map is told: compare (as history holds the payloads) or not, or how.
PayloadComparison: TypeAlias = "bool | InputComparison"


def as_input_comparison(compare: PayloadComparison) -> InputComparison | None:
    """``True`` compares payloads as history holds them; ``False`` does not compare."""
    if isinstance(compare, InputComparison):
        return compare
    return InputComparison() if compare else None


async def input_comparison(history: History,
                           converter: DataConverter | None) -> InputComparison | None:
    """How to compare arguments for a replay with ``converter``; None when it cannot be done.

    A codec server that fails raises (``CodecServerError``): the replay needs it anyway.
    Another codec that fails turns the comparison off, with a warning in the log.
    """
    decoder = PayloadDecoder(converter)
    codec = decoder.converter.payload_codec
    if codec is None:
        return InputComparison(decoder)
    events = [e for e in history.events if e.event_type == _SCHEDULED]
    recorded = [list(e.activity_task_scheduled_event_attributes.input.payloads) for e in events]
    flat = [p for payloads in recorded for p in payloads]
    # The workflow's input goes along (and is dropped): the replay decodes it first, so a
    # codec server that fails is reported here, with its name, even without activities.
    started = list(history.events[0].workflow_execution_started_event_attributes.input.payloads)
    try:
        decoded = (await codec.decode(started + flat))[len(started):] if started or flat else []
    except ReplaydbgError:
        raise
    except Exception as err:  # the user's codec: say why arguments are not compared
        logger.warning("activity arguments not compared: the payload codec failed: %s", err)
        return None
    if len(decoded) != len(flat):
        logger.warning("activity arguments not compared: the codec changed the payload count")
        return None
    return InputComparison(decoder, _split(events, recorded, decoded))


def _split(events: list[HistoryEvent], recorded: list[list[Payload]],
           decoded: list[Payload]) -> Mapping[int, Sequence[Payload]]:
    out: dict[int, Sequence[Payload]] = {}
    start = 0
    for event, payloads in zip(events, recorded, strict=True):
        out[event.event_id] = decoded[start:start + len(payloads)]
        start += len(payloads)
    return out
