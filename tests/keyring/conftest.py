"""Keyring test helpers: an in-process OS keyring, an insecure one, and the OS keyring forced off."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import fail
from keyring.errors import PasswordDeleteError

SECRET = "sk-proj-Zq7tTESTVALUE9x8w7v6u5t4s3r2q1p0"
OTHER_SECRET = "sk-ant-api03-SECONDVALUEabcdefghijklmnop"


class MemoryKeyring(KeyringBackend):
    """A secure-looking backend living in this process, standing in for Keychain & co."""

    priority: float = 5

    def __init__(self) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self.entries: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if (service, username) not in self.entries:
            raise PasswordDeleteError(username)
        del self.entries[(service, username)]


class PlaintextFileKeyring(MemoryKeyring):
    """Like keyrings.alt's plaintext file backend: usable but below keyring's "secure" bar."""

    priority = 0.5


@pytest.fixture(autouse=True)
def os_keyring_off() -> Iterator[None]:
    """As on CI: no OS keyring. Tests that want one install it explicitly."""
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())  # type: ignore[no-untyped-call]
    yield
    keyring.set_keyring(previous)


@pytest.fixture
def memory_keyring() -> MemoryKeyring:
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    return backend


def db_bytes(data_dir: Path) -> bytes:
    """The SQLite file and its WAL/shm, as bytes on disk."""
    out = b""
    for suffix in ("", "-wal", "-shm", "-journal"):
        path = data_dir / f"forge.db{suffix}"
        if path.exists():
            out += path.read_bytes()
    return out
