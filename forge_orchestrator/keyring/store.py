"""SecretStore: the one interface to stored secrets (`app.state.secrets`), whatever the backend."""

from __future__ import annotations

import builtins
import logging
from collections.abc import Callable

from ..errors import AppError
from ..memory import Remembered
from ..redact import redact
from .models import (
    NAME_RE,
    Backend,
    SecretInfo,
    StorageKind,
    StorageStatus,
    clean_value,
    mask,
    validate_name,
)

log = logging.getLogger(__name__)


class SecretStore:
    def __init__(self, backend: Backend, status: Callable[[], StorageStatus]) -> None:
        self.backend = backend
        self._status = status
        # Values set by another process (the CLI) show up here within the TTL (2 s).
        self._values: Remembered[str, str | None] = Remembered()
        self._all: Remembered[None, tuple[str, ...]] = Remembered()

    @property
    def storage(self) -> StorageKind:
        return self.backend.storage

    def status(self) -> StorageStatus:
        return self._status()

    def _forget(self) -> None:
        self._values.forget()
        self._all.forget()

    def peek(self, name: str) -> tuple[bool, str | None]:
        """(True, value) when the answer is in memory and fresh; (False, None) when finding it
        needs the backend (a database read, or the OS keyring over D-Bus). Never blocks."""
        if not NAME_RE.fullmatch(name):
            return True, None
        return self._values.recall(name)

    def get(self, name: str) -> str | None:
        # A name that could never have been stored is simply absent (callers pass
        # configured names such as a server's api_key_name).
        if not NAME_RE.fullmatch(name):
            return None
        return self._values.get(name, lambda: self.backend.read(name))

    def set(self, name: str, value: str) -> None:
        validate_name(name)
        value = clean_value(value)
        try:
            self.backend.write(name, value)
        finally:
            self._forget()
        log.info("secret %r stored (%s)", name, self.storage)

    def delete(self, name: str) -> bool:
        validate_name(name)
        try:
            removed = self.backend.remove(name)
        finally:
            self._forget()
        if removed:
            log.info("secret %r deleted (%s)", name, self.storage)
        return removed

    def list(self) -> builtins.list[SecretInfo]:
        out = []
        for entry in self.backend.entries():
            masked: str | None = None
            problem: str | None = None
            try:
                value = self.get(entry.name)
                masked = mask(value) if value is not None else None
                if value is None:
                    problem = "listed but the value is missing from the storage"
            except AppError as exc:
                problem = exc.message
            out.append(
                SecretInfo(
                    entry.name, self.storage, masked, entry.created_at, entry.updated_at, problem
                )
            )
        return out

    def names(self) -> builtins.list[str]:
        return [e.name for e in self.backend.entries()]

    def values(self) -> tuple[str, ...]:
        """Every readable stored value, for redaction; unreadable ones are skipped."""
        return self._all.get(None, self._read_values)

    def _read_values(self) -> tuple[str, ...]:
        found = []
        for name in self.names():
            try:
                value = self.get(name)
            except AppError:
                continue
            if value:
                found.append(value)
        return tuple(found)

    def redact(self, text: str) -> str:
        """Mask every stored value and every well-known key shape in `text`."""
        if not text:
            return text
        try:
            values = self.values()
        except Exception:
            # Redaction must never fail the caller; key shapes are still masked.
            values = ()
        return redact(text, values)
