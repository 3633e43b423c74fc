"""Secrets at rest: AES-256-GCM under the instance key.

Each ciphertext is bound to what it belongs to (`context`, e.g. a datasource id and environment),
so a ciphertext copied onto another row does not decrypt.
"""

from __future__ import annotations

import base64
import json
import os
from functools import cached_property
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

_VERSION = b"\x01"


class DecryptionFailed(Exception):
    """The ciphertext was not made with this instance key for this context (wrong key, tampering)."""


class SecretBox:
    def __init__(self, key: bytes) -> None:
        if len(key) != 32:
            raise ValueError("the instance key must be 32 bytes")
        self._key = key

    @cached_property
    def _aead(self) -> AESGCM:
        # cryptography is imported when the first secret is sealed or opened, not at start: its
        # OpenSSL bindings are 6 MB of the idle server's memory (bench/startup.py), and a server
        # whose apps use no datasource secrets never needs them.
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        return AESGCM(self._key)

    def encrypt(self, plaintext: bytes, context: str) -> str:
        nonce = os.urandom(12)
        sealed = self._aead.encrypt(nonce, plaintext, context.encode())
        return base64.b64encode(_VERSION + nonce + sealed).decode()

    def decrypt(self, token: str, context: str) -> bytes:
        aead = self._aead
        from cryptography.exceptions import InvalidTag  # loaded with AESGCM above

        try:
            raw = base64.b64decode(token)
            if raw[:1] != _VERSION:
                raise DecryptionFailed("unknown ciphertext version")
            return aead.decrypt(raw[1:13], raw[13:], context.encode())
        except (InvalidTag, ValueError) as exc:
            raise DecryptionFailed("the stored secret cannot be decrypted with this instance key") from exc

    def encrypt_json(self, value: Any, context: str) -> str:
        return self.encrypt(json.dumps(value, separators=(",", ":")).encode(), context)

    def decrypt_json(self, token: str, context: str) -> Any:
        return json.loads(self.decrypt(token, context))
