"""Payloads for people to read: decoded through the user's DataConverter, never a traceback.

Decoding runs in two steps, as the SDK's: the payload codec (compression, encryption, a codec
server) on all payloads at once, so a remote codec sees a few batched requests rather than
one per payload; then the payload converter on each payload alone, so one payload it cannot
read spoils nothing else. What cannot be decoded becomes an :class:`Undecodable` that names
its encoding and says what would decode it. A codec *server* that fails is an error of the
user's setup (``CodecServerError``) and is raised, not hidden in every value.
"""

from __future__ import annotations

import base64
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from temporalio.api.common.v1 import Payload
from temporalio.converter import DataConverter, PayloadCodec

from replaydbg.errors import ReplaydbgError

logger = logging.getLogger(__name__)

#: Longest value in a one-line description (the event table, replay warnings).
SHORT_LIMIT = 60

DEFAULT_HINT = ("pass the data converter that wrote the history (--data-converter MODULE:ATTR, "
                "or the worker's --plugin MODULE:ATTR) or a codec server (--codec-endpoint URL)")


@dataclass(frozen=True)
class Undecodable:
    """A payload nothing at hand could decode."""

    encoding: str
    hint: str

    def __str__(self) -> str:
        return f"<{self.encoding}: cannot decode — {self.hint}>"

    def short(self) -> str:
        """The form for a table cell; the hint is said once, below the table."""
        return f"<{self.encoding}: cannot decode>"


def encoding_of(payload: Payload) -> str:
    """The payload's ``encoding`` metadata, or a word saying it has none."""
    raw = payload.metadata.get("encoding")
    return raw.decode("utf-8", errors="replace") if raw else "no encoding"


class PayloadDecoder:
    """Decodes payloads to JSON-safe values (or :class:`Undecodable`) with one converter."""

    def __init__(self, converter: DataConverter | None = None, *,
                 hint: str = DEFAULT_HINT) -> None:
        self.converter = converter or DataConverter.default
        self.hint = hint

    async def decode_all(self, payloads: Sequence[Payload]) -> list[Any]:
        """Each payload's value, in order; codec failures of one payload stay with it."""
        decoded = await self._codec_stage(payloads)
        return [self.convert(payload) for payload in decoded]

    def convert(self, payload: Payload) -> Any:
        """One payload the codec already decoded (or that needs none) as a JSON-safe value."""
        try:
            value = self.converter.payload_converter.from_payload(payload)
        except Exception as err:  # any converter's any failure: shown, never raised
            logger.debug("payload (%s) not converted: %s", encoding_of(payload), err)
            return self._fallback(payload)
        return json_safe(value)

    async def _codec_stage(self, payloads: Sequence[Payload]) -> list[Payload]:
        codec = self.converter.payload_codec
        if codec is None or not payloads:
            return list(payloads)
        try:
            decoded = await codec.decode(payloads)
        except ReplaydbgError:
            raise
        except Exception as err:  # a user codec that rejects one payload rejects the batch
            logger.debug("codec failed on the batch, decoding one by one: %s", err)
        else:
            if len(decoded) == len(payloads):
                return decoded
        return [await _decode_one(codec, payload) for payload in payloads]

    def _fallback(self, payload: Payload) -> Any:
        encoding = encoding_of(payload)
        if encoding.startswith("json/"):
            # e.g. json/protobuf of a message type this process cannot import: JSON all the same.
            try:
                return json.loads(payload.data)
            except ValueError:
                pass
        return Undecodable(encoding, self.hint)


async def _decode_one(codec: PayloadCodec, payload: Payload) -> Payload:
    try:
        decoded = await codec.decode([payload])
    except ReplaydbgError:
        raise
    except Exception as err:  # left encoded: the converter step reports it undecodable
        logger.debug("codec cannot decode a payload (%s): %s", encoding_of(payload), err)
        return payload
    return decoded[0] if len(decoded) == 1 else payload


def json_safe(value: Any) -> Any:
    """``value`` as JSON types: bytes become base64 text, other objects their ``repr``."""
    return json.loads(json.dumps(value, default=_json_default))


def _json_default(value: Any) -> Any:
    if isinstance(value, (bytes, bytearray)):
        return f"<{len(value)} bytes: {base64.b64encode(value[:48]).decode()}>"
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    return repr(value)


def to_json(value: Any) -> Any:
    """A decoded value (or list of them) for JSON output: undecodables as their full text."""
    if isinstance(value, list):
        return [to_json(item) for item in value]
    return str(value) if isinstance(value, Undecodable) else value


def short_text(value: Any, limit: int = SHORT_LIMIT) -> str:
    """A decoded value on one line, cut to ``limit`` characters."""
    text = _text(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _text(value: Any) -> str:
    if isinstance(value, Undecodable):
        return value.short()
    if isinstance(value, list):
        return "[" + ", ".join(_text(item) for item in value) + "]"
    return " ".join(json.dumps(value, ensure_ascii=False).split())


def has_undecodable(value: Any) -> bool:
    """Whether ``value`` (a decoded value or list of them) holds an :class:`Undecodable`."""
    if isinstance(value, list):
        return any(has_undecodable(item) for item in value)
    return isinstance(value, Undecodable)
