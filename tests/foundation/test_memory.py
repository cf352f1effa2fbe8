"""Remembered: fresh values are recalled; a write forgets them; a read that overlapped a write
is not kept; values expire."""

from __future__ import annotations

import pytest

from forge_orchestrator.memory import Remembered


def test_a_kept_value_is_recalled_until_a_write_forgets_it() -> None:
    memo: Remembered[str, int] = Remembered()
    assert memo.recall("a") == (False, None)
    memo.keep("a", 1, memo.generation)
    assert memo.recall("a") == (True, 1)
    with memo.forgetting():
        pass
    assert memo.recall("a") == (False, None)


def test_a_read_that_overlapped_a_write_is_not_kept() -> None:
    memo: Remembered[str, int] = Remembered()
    generation = memo.generation  # the read starts
    with memo.forgetting():  # a write commits meanwhile
        pass
    memo.keep("a", 1, generation)  # the read's (possibly stale) value
    assert memo.recall("a") == (False, None)


def test_a_failed_write_forgets_too() -> None:
    memo: Remembered[str, int] = Remembered()
    memo.keep("a", 1, memo.generation)
    with pytest.raises(RuntimeError), memo.forgetting():
        raise RuntimeError("rolled back")
    assert memo.recall("a") == (False, None)


def test_values_expire() -> None:
    memo: Remembered[str, int] = Remembered(ttl_s=0.0)
    memo.keep("a", 1, memo.generation)
    assert memo.recall("a") == (False, None)


def test_a_secret_read_that_overlapped_a_write_is_not_served_afterwards() -> None:
    """The keyring's cache is this utility too: a value read while another thread stored a new
    one must not be served for the next 2 s (the old hand-written cache kept it)."""
    from forge_orchestrator.keyring.models import SecretEntry, StorageStatus
    from forge_orchestrator.keyring.store import SecretStore

    class Backend:
        storage = "encrypted-db"

        def __init__(self) -> None:
            self.data = {"key": "old"}
            self.during_read: list[object] = []

        def entries(self) -> list[SecretEntry]:
            return []

        def read(self, name: str) -> str | None:
            value = self.data.get(name)
            while self.during_read:
                self.during_read.pop()  # another thread's write lands mid-read
                store.set(name, "new")
            return value

        def write(self, name: str, value: str) -> None:
            self.data[name] = value

        def remove(self, name: str) -> bool:
            return self.data.pop(name, None) is not None

    backend = Backend()
    store = SecretStore(backend, lambda: StorageStatus(kind="encrypted-db"))  # type: ignore[arg-type]
    backend.during_read.append(object())
    assert store.get("key") == "old"  # began before the write: may be old
    assert store.get("key") == "new"
