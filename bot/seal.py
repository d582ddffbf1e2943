"""Sealing originals: AES-256-GCM with a key from an environment variable.

The original of a hidden message is the very PII the bot protects, so it is
only ever stored encrypted. Each sealed blob is bound to its incident id
(associated data), so a blob copied onto another incident does not open. A
short key fingerprint is stored beside the data so a wrong key is reported
clearly at start instead of failing on the first `reveal`.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import hashlib
import hmac
import logging
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from bot.config import ConfigError, secret

log = logging.getLogger("doxguard.seal")

_VERSION = b"\x01"
_NONCE = 12
_SALT = b"doxguard-seal-v1"  # fixed: the passphrase form must derive the same key every start
_OFF_LOOP_BYTES = 16_384  # seal/open bigger texts in a worker thread
_ALLOWLIST_INFO = b"doxguard allowlist hmac v1"


class SealError(Exception):
    """A sealed original cannot be opened (wrong key, damaged data). Never carries PII."""


def generate_key() -> str:
    """A fresh random key in the form `storage.encryption_key_env` expects."""
    return base64.urlsafe_b64encode(os.urandom(32)).decode("ascii")


MIN_PASSPHRASE = 20  # characters: scrypt slows guessing, it cannot make "abc" safe
MIN_PASSPHRASE_DISTINCT = 8
MIN_KEY_DISTINCT_BYTES = 16  # 32 random bytes have ~30 distinct values; 16 is never chance


def _raw_key(text: str) -> bytes | None:
    """The 32 bytes of a `generate_key()` key, or None when `text` is a passphrase."""
    try:
        raw = base64.urlsafe_b64decode(text.encode("ascii"))
    except (binascii.Error, UnicodeEncodeError, ValueError):
        return None
    return raw if len(raw) == 32 else None


def key_problem(material: str) -> str | None:
    """Why `material` is too weak to seal originals with, or None when it will do.

    The sealed originals are the very PII doxguard protects: a short or repetitive
    key would let anyone with a copy of the database read them.
    """
    text = material.strip()
    raw = _raw_key(text)
    if raw is not None:
        if len(set(raw)) < MIN_KEY_DISTINCT_BYTES:
            return "the key's 32 bytes repeat too much to be random"
        return None
    if len(text) < MIN_PASSPHRASE:
        return (
            f"a passphrase needs at least {MIN_PASSPHRASE} characters "
            f"(this one has {len(text)})"
        )
    if len(set(text)) < MIN_PASSPHRASE_DISTINCT:
        return (
            f"a passphrase needs at least {MIN_PASSPHRASE_DISTINCT} different characters "
            f"(this one has {len(set(text))})"
        )
    return None


def derive_key(material: str) -> bytes:
    """32 key bytes: the urlsafe-base64 key itself, or scrypt of a passphrase."""
    text = material.strip()
    raw = _raw_key(text)
    if raw is not None:
        return raw
    return Scrypt(salt=_SALT, length=32, n=2**14, r=8, p=1).derive(text.encode("utf-8"))


class Sealer:
    """Seals and opens originals with one key."""

    def __init__(self, key: bytes):
        if len(key) != 32:
            raise ValueError("a sealing key is 32 bytes")
        self._aead = AESGCM(key)
        self.fingerprint = hmac.new(key, b"doxguard key check", hashlib.sha256).hexdigest()[:16]
        # A separate key (HKDF) for allowlist HMACs: an unkeyed hash of a phone number
        # is brute-forced in seconds, so the allowlist table must be keyed too.
        self.allowlist_secret = HKDF(
            algorithm=hashes.SHA256(), length=32, salt=None, info=_ALLOWLIST_INFO
        ).derive(key)

    @classmethod
    def from_secret(cls, material: str) -> Sealer:
        return cls(derive_key(material))

    @classmethod
    def from_env(cls, env_name: str) -> Sealer | None:
        """The sealer for the key in `env_name`, or None when it is unset.

        Raises ConfigError (never echoing the key) when the key is too weak.
        """
        material = secret(env_name)
        if material is None:
            return None
        problem = key_problem(material)
        if problem is not None:
            raise ConfigError(
                f"${env_name}", "storage.encryption_key_env",
                f"the sealing key is too weak: {problem}; make one with `doxguard keygen`",
            )
        return cls.from_secret(material)

    def seal(self, plaintext: str, context: str) -> bytes:
        nonce = os.urandom(_NONCE)
        ct = self._aead.encrypt(nonce, plaintext.encode("utf-8"), context.encode("utf-8"))
        return _VERSION + nonce + ct

    def open(self, blob: bytes, context: str) -> str:
        if len(blob) < 1 + _NONCE + 16 or blob[:1] != _VERSION:
            raise SealError("sealed original is damaged or in an unknown format")
        nonce, ct = blob[1 : 1 + _NONCE], blob[1 + _NONCE :]
        try:
            data = self._aead.decrypt(nonce, ct, context.encode("utf-8"))
        except InvalidTag:
            raise SealError(
                "cannot open the sealed original: the key differs from the one it was sealed "
                "with, or the data was altered"
            ) from None
        return data.decode("utf-8")

    async def seal_async(self, plaintext: str, context: str) -> bytes:
        if len(plaintext) > _OFF_LOOP_BYTES:
            return await asyncio.to_thread(self.seal, plaintext, context)
        return self.seal(plaintext, context)

    async def open_async(self, blob: bytes, context: str) -> str:
        if len(blob) > _OFF_LOOP_BYTES:
            return await asyncio.to_thread(self.open, blob, context)
        return self.open(blob, context)
