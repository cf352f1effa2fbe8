"""Errors specific to secret storage: unreadable values and an unsafe master key file."""

from __future__ import annotations

from ..errors import AppError


class SecretUnreadable(AppError):
    """A stored value exists but cannot be decrypted (wrong master key or modified bytes)."""

    status_code = 500
    code = "secret_unreadable"


class KeyFileInsecure(AppError):
    """The master key file is readable by other users, so Forge refuses to use it."""

    status_code = 500
    code = "key_file_insecure"


class KeyringUnavailable(AppError):
    """The OS keyring refused or failed an operation (locked, denied, daemon gone)."""

    status_code = 503
    code = "keyring_unavailable"


class MasterKeyMismatch(SecretUnreadable):
    """The database's secrets were sealed under another master key than this process has
    (the key check in the database says so before any value is tried)."""

    status_code = 500
    code = "master_key_mismatch"
