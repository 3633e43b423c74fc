"""Passphrase encryption of a byte stream, chunk by chunk, so archives of any size stream through.

Layout: a header (magic, KDF parameters, salt, chunk size) and a 32-byte passphrase verifier, then
frames of `[4-byte length | final flag][AES-256-GCM ciphertext]`. The key comes from scrypt. Each
frame's nonce is its index plus the final flag (the STREAM construction), and the header is the
associated data of every frame, so reordering, dropping, truncating or appending frames, or
editing the header, all fail authentication. The verifier (a second scrypt output, independent of
the key) tells a wrong passphrase apart from a damaged archive.
"""

from __future__ import annotations

import hmac
import os
import struct
from dataclasses import dataclass
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from lowcraft.ops.errors import ArchiveCorrupted, WrongPassphrase

MAGIC = b"LCBACKUP"
VERSION = 1
KDF_SCRYPT = 1
CHUNK_BYTES = 1 << 20
# scrypt with N=2^17, r=8: 128 MiB and a few hundred milliseconds per guess.
SCRYPT_LOG2_N = 17
SCRYPT_R = 8
SCRYPT_P = 1
_HEADER = struct.Struct(">8sBBBBB16sI")  # magic, version, kdf, log2 N, r, p, salt, chunk size
_FINAL = 0x8000_0000
_TAG_BYTES = 16


@dataclass(frozen=True)
class _Keys:
    aead: AESGCM
    verifier: bytes


def _derive(passphrase: str, salt: bytes, log2_n: int, r: int, p: int) -> _Keys:
    material = Scrypt(salt=salt, length=64, n=1 << log2_n, r=r, p=p).derive(passphrase.encode())
    return _Keys(AESGCM(material[:32]), material[32:])


def _nonce(index: int, final: bool) -> bytes:
    return index.to_bytes(11, "big") + (b"\x01" if final else b"\x00")


class SealedWriter:
    """A write-only file object that encrypts what it is given into `sink`; `close()` seals it."""

    def __init__(
        self, sink: BinaryIO, passphrase: str, *, chunk_bytes: int = CHUNK_BYTES, scrypt_log2_n: int = SCRYPT_LOG2_N
    ) -> None:
        if not passphrase:
            raise ValueError("a backup passphrase must not be empty")
        salt = os.urandom(16)
        self._header = _HEADER.pack(MAGIC, VERSION, KDF_SCRYPT, scrypt_log2_n, SCRYPT_R, SCRYPT_P, salt, chunk_bytes)
        self._keys = _derive(passphrase, salt, scrypt_log2_n, SCRYPT_R, SCRYPT_P)
        self._sink = sink
        self._chunk = chunk_bytes
        self._buffer = bytearray()
        self._index = 0
        self._closed = False
        sink.write(self._header + self._keys.verifier)

    def write(self, data: bytes) -> int:
        if self._closed:
            raise ValueError("write to a sealed archive")
        self._buffer += data
        while len(self._buffer) > self._chunk:
            self._emit(bytes(self._buffer[: self._chunk]), final=False)
            del self._buffer[: self._chunk]
        return len(data)

    def _emit(self, plaintext: bytes, *, final: bool) -> None:
        sealed = self._keys.aead.encrypt(_nonce(self._index, final), plaintext, self._header)
        self._sink.write(struct.pack(">I", len(sealed) | (_FINAL if final else 0)) + sealed)
        self._index += 1

    def close(self) -> None:
        """Write the last frame, which marks the end; without it a reader reports truncation."""
        if not self._closed:
            self._emit(bytes(self._buffer), final=True)
            self._buffer.clear()
            self._closed = True

    def flush(self) -> None:
        self._sink.flush()


class SealedReader:
    """A read-only file object over an archive written by `SealedWriter`, authenticating each frame.

    `bytes_read` counts the ciphertext consumed, for progress reporting.
    """

    def __init__(self, source: BinaryIO, passphrase: str) -> None:
        header = source.read(_HEADER.size)
        if len(header) < _HEADER.size or header[:8] != MAGIC:
            raise ArchiveCorrupted("This file is not a Lowcraft backup archive (its header is missing or damaged).")
        _, version, kdf, log2_n, r, p, salt, chunk = _HEADER.unpack(header)
        if version != VERSION or kdf != KDF_SCRYPT:
            raise ArchiveCorrupted(f"Unknown backup archive version {version} (KDF {kdf}).")
        if not (10 <= log2_n <= 22 and 1 <= r <= 32 and 1 <= p <= 16 and 0 < chunk <= 1 << 26):
            raise ArchiveCorrupted("The archive header holds impossible key-derivation parameters.")
        verifier = source.read(32)
        keys = _derive(passphrase, salt, log2_n, r, p)
        if not hmac.compare_digest(verifier, keys.verifier):
            raise WrongPassphrase("The passphrase does not open this archive (or the archive's header is damaged).")
        self._source = source
        self._header = header
        self._keys = keys
        self._max_frame = chunk + _TAG_BYTES
        self._index = 0
        self._plain = b""
        self._offset = 0
        self._finished = False
        self.bytes_read = _HEADER.size + 32

    def _next_frame(self) -> None:
        prefix = self._source.read(4)
        if len(prefix) < 4:
            raise ArchiveCorrupted("The archive ends early: it was truncated.")
        (word,) = struct.unpack(">I", prefix)
        final = bool(word & _FINAL)
        length = word & ~_FINAL
        if length < _TAG_BYTES or length > self._max_frame:
            raise ArchiveCorrupted(f"The archive is damaged (frame {self._index} has an impossible length).")
        sealed = self._source.read(length)
        if len(sealed) < length:
            raise ArchiveCorrupted("The archive ends early: it was truncated.")
        try:
            self._plain = self._keys.aead.decrypt(_nonce(self._index, final), sealed, self._header)
        except InvalidTag:
            raise ArchiveCorrupted(
                f"The archive is damaged: frame {self._index} fails authentication (changed bytes)."
            ) from None
        self._offset = 0
        self._index += 1
        self.bytes_read += 4 + length
        if final:
            if self._source.read(1):
                raise ArchiveCorrupted("The archive has bytes after its end: it was altered.")
            self._finished = True

    def read(self, size: int = -1) -> bytes:
        parts: list[bytes] = []
        wanted = size if size >= 0 else 1 << 62
        while wanted > 0:
            if self._offset >= len(self._plain):
                if self._finished:
                    break
                self._next_frame()
                continue
            piece = self._plain[self._offset : self._offset + wanted]
            self._offset += len(piece)
            wanted -= len(piece)
            parts.append(piece)
        return b"".join(parts)
