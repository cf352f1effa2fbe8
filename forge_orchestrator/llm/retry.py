"""Our bounded retry loop: which provider failures retry, how long to wait, and attempt counting."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from .. import vendors
from ..vendors.failure import (
    Classifier,
    Failure,
    FailureKind,
    generic_failure,
    parse_retry_after,
    provider_message,
)

T = TypeVar("T")


def classify(exc: BaseException, label: str, vendor: Classifier | None = None) -> Failure:
    """Turn an SDK (or parsing) exception into a Failure with a user-facing message.

    The vendor's own classifier goes first; without one, every registered vendor is asked
    (each answers only for its SDK's exceptions and never imports it)."""
    for candidate in [vendor] if vendor is not None else [v.classify for v in vendors.all()]:
        failure = candidate(exc, label)
        if failure is not None:
            return failure
    return generic_failure(exc, label)


@dataclass
class RetryPolicy:
    """Exponential backoff with full jitter; Retry-After wins when the provider sends one."""

    max_retries: int = 2
    base_delay_s: float = 0.5
    max_delay_s: float = 8.0
    max_retry_after_s: float = 60.0  # a longer Retry-After fails now rather than hang the user
    sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep

    def delay(self, retry_number: int, failure: Failure) -> float | None:
        """Seconds before retry ``retry_number`` (1-based), or None to give up."""
        if retry_number > self.max_retries or not failure.retryable:
            return None
        if failure.retry_after_s is not None:
            if failure.retry_after_s > self.max_retry_after_s:
                return None
            return failure.retry_after_s
        ceiling = min(self.max_delay_s, self.base_delay_s * 2 ** (retry_number - 1))
        return random.uniform(ceiling / 2, ceiling)


@dataclass
class Attempts:
    """Counts attempts and the waits between them for one gateway call."""

    count: int = 0
    waits: list[float] = field(default_factory=list)


class GaveUp(Exception):
    """Raised when the last attempt failed; carries the classified failure."""

    def __init__(self, failure: Failure, original: BaseException) -> None:
        super().__init__(failure.message)
        self.failure = failure
        self.original = original


async def run_with_retries(
    policy: RetryPolicy,
    attempts: Attempts,
    label: str,
    call: Callable[[], Awaitable[T]],
    vendor: Classifier | None = None,
) -> T:
    """Call until success or a non-retryable failure; raise GaveUp with the last failure."""
    while True:
        attempts.count += 1
        try:
            return await call()
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            failure = classify(exc, label, vendor)
            wait = policy.delay(attempts.count, failure)
            if wait is None:
                raise GaveUp(failure, exc) from exc
            attempts.waits.append(wait)
            await policy.sleep(wait)


__all__ = ["Failure", "FailureKind", "classify", "parse_retry_after", "provider_message"]
