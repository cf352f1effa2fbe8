"""Plain data shared by the store, its backends and the API: entries, listings, storage status."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, Protocol

from ..errors import ValidationFailed

StorageKind = Literal["os-keyring", "encrypted-db"]
NAME_RE = re.compile(r"^[a-z0-9_.-]{1,100}$")
MAX_VALUE_CHARS = 16_384


def validate_name(name: str) -> str:
    if not NAME_RE.fullmatch(name):
        raise ValidationFailed(
            "A key name uses only lowercase letters, digits, '_', '.' and '-' (at most 100).",
            details={"name": name[:120]},
        )
    return name


def clean_value(value: str) -> str:
    # Pasted keys often carry a trailing newline or spaces; keys never contain them.
    value = value.strip()
    if not value:
        raise ValidationFailed("The value is empty.")
    if len(value) > MAX_VALUE_CHARS:
        raise ValidationFailed(f"The value is longer than {MAX_VALUE_CHARS} characters.")
    if any(ch in value for ch in "\r\n\x00"):
        raise ValidationFailed("The value contains a line break or NUL character.")
    if not all("!" <= ch <= "~" for ch in value):
        # Keys travel in an HTTP header (Authorization, x-api-key), which carries ASCII only;
        # a key with a space, an accent or a smart quote was mangled by a copy and paste.
        raise ValidationFailed(
            "The value contains a space or a character outside visible ASCII; API keys do not."
        )
    return value


def mask(value: str) -> str:
    """The last 4 characters, and only when they are a small part of the value."""
    return "••••" + value[-4:] if len(value) >= 12 else "••••"


@dataclass(frozen=True)
class SecretEntry:
    name: str
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class SecretInfo:
    name: str
    storage: StorageKind
    masked: str | None
    created_at: datetime
    updated_at: datetime
    # Why the value could not be read, e.g. a wrong master key; the listing still works.
    problem: str | None = None


@dataclass(frozen=True)
class StorageStatus:
    storage: StorageKind
    label: str
    reason: str
    os_keyring_backend: str
    database: str | None = None
    cipher: str | None = None
    master_key: Literal["file", "os-keyring"] | None = None
    master_key_location: str | None = None
    master_key_exists: bool = False
    problem: str | None = None


class Backend(Protocol):
    storage: StorageKind

    def entries(self) -> list[SecretEntry]: ...
    def read(self, name: str) -> str | None: ...
    def write(self, name: str, value: str) -> None: ...
    def remove(self, name: str) -> bool: ...
