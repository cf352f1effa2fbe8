"""Remembered: values read recently, for hot paths, forgotten at once when this process writes.

Used for what every LLM call would otherwise read from the database: the Architect's persona
(roles) and "no budget exists" (budgets). A value is kept for ``ttl_s``; a write made in this
process runs inside ``forgetting()``, which forgets everything after the write commits; a write
made by another process is seen within ``ttl_s`` (stored keys follow the same 2 s rule).
"""

from __future__ import annotations

import time
from collections.abc import Hashable, Iterator
from contextlib import contextmanager
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

TTL_S = 2.0


class Remembered(Generic[K, V]):
    def __init__(self, ttl_s: float = TTL_S) -> None:
        self.ttl_s = ttl_s
        self._entries: dict[K, tuple[float, V]] = {}
        self.generation = 0  # moves on every forget()

    def recall(self, key: K) -> tuple[bool, V | None]:
        """(True, value) when a fresh value is remembered, else (False, None)."""
        hit = self._entries.get(key)
        if hit is not None and time.monotonic() - hit[0] < self.ttl_s:
            return True, hit[1]
        return False, None

    def keep(self, key: K, value: V, generation: int) -> None:
        """Remember ``value``, read when ``generation`` was current: dropped if a write has
        happened since (the read may have seen the data before that write)."""
        if generation == self.generation:
            self._entries[key] = (time.monotonic(), value)

    def forget(self) -> None:
        self.generation += 1
        self._entries.clear()

    @contextmanager
    def forgetting(self) -> Iterator[None]:
        """Around a write, outermost: forgets after the commit (and after a failure too)."""
        try:
            yield
        finally:
            self.forget()
