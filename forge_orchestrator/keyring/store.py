"""SecretStore: the one interface to stored secrets (`app.state.secrets`), whatever the backend."""

from __future__ import annotations

import builtins
import logging
import threading
import time
from collections.abc import Callable

from ..errors import AppError
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

# Values set by another process (the CLI) show up here within this many seconds.
CACHE_TTL_S = 2.0


class SecretStore:
    def __init__(self, backend: Backend, status: Callable[[], StorageStatus]) -> None:
        self.backend = backend
        self._status = status
        self._lock = threading.Lock()
        self._cache: dict[str, tuple[float, str | None]] = {}
        self._all: tuple[float, tuple[str, ...]] | None = None

    @property
    def storage(self) -> StorageKind:
        return self.backend.storage

    def status(self) -> StorageStatus:
        return self._status()

    def _forget(self) -> None:
        with self._lock:
            self._cache.clear()
            self._all = None

    def peek(self, name: str) -> tuple[bool, str | None]:
        """(True, value) when the answer is in memory and fresh; (False, None) when finding it
        needs the backend (a database read, or the OS keyring over D-Bus). Never blocks."""
        if not NAME_RE.fullmatch(name):
            return True, None
        with self._lock:
            hit = self._cache.get(name)
        if hit is not None and time.monotonic() - hit[0] < CACHE_TTL_S:
            return True, hit[1]
        return False, None

    def get(self, name: str) -> str | None:
        # A name that could never have been stored is simply absent (callers pass
        # configured names such as a server's api_key_name).
        if not NAME_RE.fullmatch(name):
            return None
        now = time.monotonic()
        with self._lock:
            hit = self._cache.get(name)
        if hit is not None and now - hit[0] < CACHE_TTL_S:
            return hit[1]
        value = self.backend.read(name)
        with self._lock:
            self._cache[name] = (now, value)
        return value

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
        now = time.monotonic()
        with self._lock:
            cached = self._all
        if cached is not None and now - cached[0] < CACHE_TTL_S:
            return cached[1]
        found = []
        for name in self.names():
            try:
                value = self.get(name)
            except AppError:
                continue
            if value:
                found.append(value)
        values = tuple(found)
        with self._lock:
            self._all = (now, values)
        return values

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
