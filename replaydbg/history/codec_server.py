"""A ``PayloadCodec`` that runs the user's codec remotely, on a Temporal codec server.

The protocol is the one the Temporal CLI and Web UI speak: POST ``{"payloads": [...]}`` (each
a proto3 JSON ``Payload``) to ``<endpoint>/decode`` or ``<endpoint>/encode`` and get the same
shape back, one payload for each one sent. Payloads go in batches so that a long history
does not make one huge request. HTTP runs in a worker thread: the SDK calls codecs on its
event loop, and a slow server must not stall it.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Sequence
from typing import Any

from google.protobuf.json_format import MessageToDict, ParseDict, ParseError
from temporalio.api.common.v1 import Payload
from temporalio.converter import DataConverter, PayloadCodec
from temporalio.plugin import SimplePlugin

from replaydbg.errors import CodecServerAnswerError
from replaydbg.history.codec_http import CodecEndpoint, post_json

#: Payloads per request; the Web UI sends a page of history's payloads at a time too.
DEFAULT_BATCH_SIZE = 100


class CodecServerCodec(PayloadCodec):
    """Decodes and encodes through a remote codec server; failures are ``CodecServerError``."""

    def __init__(self, endpoint: CodecEndpoint, *, batch_size: int = DEFAULT_BATCH_SIZE) -> None:
        self.endpoint = endpoint
        self.batch_size = max(1, batch_size)

    async def encode(self, payloads: Sequence[Payload]) -> list[Payload]:
        """Encode through ``<endpoint>/encode``."""
        return await self._run("encode", payloads)

    async def decode(self, payloads: Sequence[Payload]) -> list[Payload]:
        """Decode through ``<endpoint>/decode``."""
        return await self._run("decode", payloads)

    async def _run(self, route: str, payloads: Sequence[Payload]) -> list[Payload]:
        result: list[Payload] = []
        for start in range(0, len(payloads), self.batch_size):
            batch = payloads[start:start + self.batch_size]
            result.extend(await asyncio.to_thread(self._exchange, route, batch))
        return result

    def _exchange(self, route: str, batch: Sequence[Payload]) -> list[Payload]:
        document = {"payloads": [MessageToDict(p) for p in batch]}
        return self._payloads(route, post_json(self.endpoint, route, document), len(batch))

    def _payloads(self, route: str, answer: Any, sent: int) -> list[Payload]:
        items = answer.get("payloads") if isinstance(answer, dict) else None
        if not isinstance(items, list):
            raise self._wrong_shape(route, "a JSON document without a 'payloads' list")
        if len(items) != sent:
            raise self._wrong_shape(route, f"{len(items)} payloads for the {sent} it was sent")
        try:
            return [ParseDict(item, Payload(), ignore_unknown_fields=True) for item in items]
        except (ParseError, TypeError, AttributeError) as err:
            problem = " ".join(str(err).split())[:100]
            raise self._wrong_shape(
                route, f"a payload that is not a proto3 JSON Payload ({problem})") from None

    def _wrong_shape(self, route: str, what: str) -> CodecServerAnswerError:
        return CodecServerAnswerError(
            f"the codec server at {self.endpoint.shown} answered POST /{route} with {what}",
            hint='a codec server answers {"payloads": [...]}, one proto3 JSON Payload for each '
            "one sent; check the endpoint is a Temporal codec server",
        )


class _ChainedCodec(PayloadCodec):
    """Two codecs as one: encode runs ``inner`` then ``outer``, decode the reverse."""

    def __init__(self, inner: PayloadCodec, outer: PayloadCodec) -> None:
        self.inner = inner
        self.outer = outer

    async def encode(self, payloads: Sequence[Payload]) -> list[Payload]:
        return await self.outer.encode(await self.inner.encode(payloads))

    async def decode(self, payloads: Sequence[Payload]) -> list[Payload]:
        return await self.inner.decode(await self.outer.decode(payloads))


def with_codec_server(converter: DataConverter | None, codec: PayloadCodec) -> DataConverter:
    """``converter`` (default: the SDK's) with ``codec`` added as its outermost codec.

    The codec server decodes first, then the converter's own codec (if any) sees what it
    returned; codecs pass through payloads whose encoding is not theirs, so a converter that
    already holds the same codec as the server still works.
    """
    base = converter or DataConverter.default
    own = base.payload_codec
    chained = codec if own is None else _ChainedCodec(own, codec)
    return dataclasses.replace(base, payload_codec=chained)


def codec_server_plugin(codec: PayloadCodec) -> SimplePlugin:
    """A plugin that adds ``codec`` to whatever converter the plugins before it configured.

    A plugin, not a converter, so that it composes with the worker's own plugins (which may
    set the converter themselves): it runs after them and wraps their result.
    """
    return SimplePlugin("replaydbg.codec-server",
                        data_converter=lambda converter: with_codec_server(converter, codec))
