"""Our bounded retry loop: which provider failures retry, how long to wait, and attempt counting."""

from __future__ import annotations

import asyncio
import email.utils
import functools
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, TypeVar

if TYPE_CHECKING:
    import anthropic
    import openai

T = TypeVar("T")
FailureKind = Literal["status", "timeout", "connection", "malformed", "other"]


@dataclass(frozen=True)
class _SdkErrors:
    status: tuple[type[openai.APIStatusError], type[anthropic.APIStatusError]]
    timeout: tuple[type[openai.APITimeoutError], type[anthropic.APITimeoutError]]
    connection: tuple[type[openai.APIConnectionError], type[anthropic.APIConnectionError]]
    malformed: tuple[type[Exception], ...]


@functools.cache
def _sdk_errors() -> _SdkErrors:
    # Imported on first use: the SDKs take over a second to import, which start-up should not
    # pay. Whoever has an SDK exception to classify has imported that SDK already.
    import anthropic
    import openai

    return _SdkErrors(
        status=(openai.APIStatusError, anthropic.APIStatusError),
        timeout=(openai.APITimeoutError, anthropic.APITimeoutError),
        connection=(openai.APIConnectionError, anthropic.APIConnectionError),
        malformed=(
            ValueError,  # json.JSONDecodeError and pydantic validation errors
            openai.APIResponseValidationError,
            anthropic.APIResponseValidationError,
        ),
    )


@dataclass(frozen=True)
class Failure:
    """A provider failure reduced to what the retry loop and the ledger need."""

    kind: FailureKind
    message: str
    status: int | None = None
    retry_after_s: float | None = None
    request_id: str | None = None

    @property
    def retryable(self) -> bool:
        if self.kind == "connection":
            return True
        return self.kind == "status" and (
            self.status in (408, 409, 429) or (self.status or 0) >= 500
        )


def provider_message(body: object, fallback: str) -> str:
    """The human message inside a provider's error body (both vendors nest it under error)."""
    if isinstance(body, dict):
        inner = body.get("error", body)
        if isinstance(inner, dict) and isinstance(inner.get("message"), str):
            return str(inner["message"])
        if isinstance(body.get("message"), str):
            return str(body["message"])
    if isinstance(body, str) and body.strip():
        return body.strip()[:500]
    return fallback


def classify(exc: BaseException, label: str) -> Failure:
    """Turn an SDK (or parsing) exception into a Failure with a user-facing message."""
    errors = _sdk_errors()
    if isinstance(exc, errors.status):
        headers = exc.response.headers
        msg = provider_message(exc.body, exc.message)
        return Failure(
            "status",
            f"{label} returned HTTP {exc.status_code}: {msg}",
            exc.status_code,
            parse_retry_after(headers.get("retry-after-ms"), headers.get("retry-after")),
            headers.get("x-request-id") or headers.get("request-id"),
        )
    if isinstance(exc, errors.timeout):
        return Failure("timeout", f"{label} did not answer in time.")
    if isinstance(exc, errors.connection):
        cause = exc.__cause__
        detail = f" ({type(cause).__name__})" if cause is not None else ""
        return Failure("connection", f"Could not reach {label}{detail}: {exc.message}")
    if isinstance(exc, UnicodeEncodeError):
        # Raised while building the request: a header value (the key) that is not ASCII.
        return Failure(
            "other",
            f"The request to {label} could not be sent: its API key or a header holds characters "
            "HTTP headers cannot carry. Set the key again in Settings.",
        )
    if isinstance(exc, errors.malformed):
        return Failure("malformed", f"{label} sent a malformed response: {exc}")
    return Failure("other", f"{label} call failed: {type(exc).__name__}: {exc}")


def parse_retry_after(ms: str | None, value: str | None) -> float | None:
    """Seconds to wait from Retry-After-Ms or Retry-After (seconds or an HTTP date)."""
    if ms:
        try:
            return max(0.0, float(ms) / 1000)
        except ValueError:
            pass
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


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
) -> T:
    """Call until success or a non-retryable failure; raise GaveUp with the last failure."""
    while True:
        attempts.count += 1
        try:
            return await call()
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            failure = classify(exc, label)
            wait = policy.delay(attempts.count, failure)
            if wait is None:
                raise GaveUp(failure, exc) from exc
            attempts.waits.append(wait)
            await policy.sleep(wait)
