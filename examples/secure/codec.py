"""A PayloadCodec that encrypts every payload with AES-GCM.

The key is a fixed demo key so that the recorded histories stay readable by the tests and
the codec server; a real deployment loads its keys from a secret store and rotates them (the
key id travels in the payload's metadata for that reason).
"""

from __future__ import annotations

import os
from collections.abc import Sequence

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from temporalio.api.common.v1 import Payload
from temporalio.converter import PayloadCodec

ENCODING = b"binary/encrypted"
KEY_ID = b"demo-key-1"
# 256-bit demo key. Never do this with real data.
DEMO_KEY = bytes.fromhex("3b1f0c6e2a9d4f5b8c7e6a1d0f2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d")
NONCE_SIZE = 12


class EncryptionCodec(PayloadCodec):
    """Encrypts each whole payload (metadata and data) into a `binary/encrypted` payload."""

    def __init__(self, key_id: bytes = KEY_ID, key: bytes = DEMO_KEY) -> None:
        self._key_id = key_id
        self._aes = AESGCM(key)

    async def encode(self, payloads: Sequence[Payload]) -> list[Payload]:
        return [self.encrypt(p) for p in payloads]

    async def decode(self, payloads: Sequence[Payload]) -> list[Payload]:
        return [self.decrypt(p) for p in payloads]

    def encrypt(self, payload: Payload) -> Payload:
        nonce = os.urandom(NONCE_SIZE)
        sealed = nonce + self._aes.encrypt(nonce, payload.SerializeToString(), None)
        return Payload(metadata={"encoding": ENCODING, "encryption-key-id": self._key_id},
                       data=sealed)

    def decrypt(self, payload: Payload) -> Payload:
        """The original payload; payloads this codec did not encrypt pass unchanged."""
        if payload.metadata.get("encoding") != ENCODING:
            return payload
        key_id = payload.metadata.get("encryption-key-id")
        if key_id != self._key_id:
            raise ValueError(f"payload encrypted with unknown key {key_id!r}")
        nonce, sealed = payload.data[:NONCE_SIZE], payload.data[NONCE_SIZE:]
        return Payload.FromString(self._aes.decrypt(nonce, sealed, None))
