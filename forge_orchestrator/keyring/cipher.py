"""AES-256-GCM sealing of one secret value, bound to its key name, in a versioned byte format."""

from __future__ import annotations

import secrets

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from .errors import SecretUnreadable

VERSION = b"v1"
NONCE_BYTES = 12  # 96 bits, the size GCM is designed for


def seal(key: bytes, name: str, value: str) -> bytes:
    """b"v1" + nonce + ciphertext-and-tag; the name is authenticated so rows cannot be swapped."""
    nonce = secrets.token_bytes(NONCE_BYTES)
    return VERSION + nonce + AESGCM(key).encrypt(nonce, value.encode("utf-8"), name.encode())


def unseal(key: bytes, name: str, blob: bytes) -> str:
    blob = bytes(blob)
    if not blob.startswith(VERSION) or len(blob) < len(VERSION) + NONCE_BYTES + 16:
        raise SecretUnreadable(
            f"The stored secret '{name}' is not in a format this version understands or is "
            f"truncated. Set it again (Settings → Keys, or `forge-orchestrator keys set {name}`).",
            details={"name": name},
        )
    nonce = blob[len(VERSION) : len(VERSION) + NONCE_BYTES]
    try:
        plain = AESGCM(key).decrypt(nonce, blob[len(VERSION) + NONCE_BYTES :], name.encode())
    except InvalidTag:
        raise SecretUnreadable(
            f"The stored secret '{name}' cannot be decrypted: the master key does not match or "
            f"the stored bytes were modified. Restore the master key, or set the secret again "
            f"(Settings → Keys, or `forge-orchestrator keys set {name}`).",
            details={"name": name},
        ) from None
    return plain.decode("utf-8")
