"""A data converter with a codec, for the DAP test of payload decoding in the Temporal scope.

The codec does not change the bytes (the history was recorded without one); it marks each
decoded value so the test can see that the user's codec really ran.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from temporalio.api.common.v1 import Payload
from temporalio.converter import DataConverter, PayloadCodec


class MarkingCodec(PayloadCodec):
    async def encode(self, payloads: Sequence[Payload]) -> list[Payload]:
        return list(payloads)

    async def decode(self, payloads: Sequence[Payload]) -> list[Payload]:
        marked = []
        for payload in payloads:
            if payload.metadata.get("encoding") == b"json/plain" and payload.data.startswith(b"{"):
                payload = Payload(metadata=payload.metadata,
                                  data=b'{"decoded_by": "MarkingCodec", ' + payload.data[1:])
            marked.append(payload)
        return marked


converter = dataclasses.replace(DataConverter.default, payload_codec=MarkingCodec())
