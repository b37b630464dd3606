"""A compressing payload codec (encoding ``binary/zlib``), used by a worker and a codec server.

Each payload is serialised whole and compressed, so the history shows only opaque bytes with
encoding ``binary/zlib``, as it would show ciphertext; payloads of another encoding pass
through, as with every codec of Temporal's samples.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence

from temporalio.api.common.v1 import Payload
from temporalio.converter import DataConverter, PayloadCodec

ENCODING = b"binary/zlib"


def encode_payload(payload: Payload) -> Payload:
    return Payload(metadata={"encoding": ENCODING},
                   data=zlib.compress(payload.SerializeToString()))


def decode_payload(payload: Payload) -> Payload:
    if payload.metadata.get("encoding") != ENCODING:
        return payload
    return Payload.FromString(zlib.decompress(payload.data))


class ZlibCodec(PayloadCodec):
    async def encode(self, payloads: Sequence[Payload]) -> list[Payload]:
        return [encode_payload(p) for p in payloads]

    async def decode(self, payloads: Sequence[Payload]) -> list[Payload]:
        return [decode_payload(p) for p in payloads]


#: What the recording worker used; also loadable with --data-converter.
data_converter = DataConverter(payload_codec=ZlibCodec())
