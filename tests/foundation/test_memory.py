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
