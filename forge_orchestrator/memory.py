"""Remembered: values read recently, for hot paths, forgotten at once when this process writes.

The one in-memory cache of the app. Used for what every LLM call or redaction would otherwise
read from storage: the Architect's persona (roles) and stored secrets (keyring). Budgets are
not remembered: a call must never pass a budget another process has just set. A value is kept
for ``ttl_s``; a write made in this process runs inside ``forgetting()``, which forgets
everything after the write commits; a write made by another process is seen within ``ttl_s``.
Thread-safe: readers and writers run on different threads.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

TTL_S = 2.0


class Remembered(Generic[K, V]):
    def __init__(self, ttl_s: float = TTL_S, clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl_s = ttl_s
        self._clock = clock
        self._lock = threading.Lock()
        self._entries: dict[K, tuple[float, V]] = {}
        self._generation = 0  # moves on every forget()

    @property
    def generation(self) -> int:
        """Read before reading storage, and hand to :meth:`keep` with what was read."""
        with self._lock:
            return self._generation

    def recall(self, key: K) -> tuple[bool, V | None]:
        """(True, value) when a fresh value is remembered, else (False, None)."""
        with self._lock:
            hit = self._entries.get(key)
        if hit is not None and self._clock() - hit[0] < self.ttl_s:
            return True, hit[1]
        return False, None

    def keep(self, key: K, value: V, generation: int) -> None:
        """Remember ``value``, read when ``generation`` was current: dropped if a write has
        happened since (the read may have seen the data before that write)."""
        with self._lock:
            if generation == self._generation:
                self._entries[key] = (self._clock(), value)

    def get(self, key: K, read: Callable[[], V]) -> V:
        """The remembered value, or ``read()`` (called on this thread) remembered."""
        known, value = self.recall(key)
        if known:
            return value  # type: ignore[return-value]
        generation = self.generation
        fresh = read()
        self.keep(key, fresh, generation)
        return fresh

    def forget(self) -> None:
        with self._lock:
            self._generation += 1
            self._entries.clear()

    @contextmanager
    def forgetting(self) -> Iterator[None]:
        """Around a write, outermost: forgets after the commit (and after a failure too)."""
        try:
            yield
        finally:
            self.forget()
