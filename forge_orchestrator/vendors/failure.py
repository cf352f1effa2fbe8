"""A provider failure reduced to what retries and the ledger need, and how SDK errors map to it."""

from __future__ import annotations

import email.utils
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

FailureKind = Literal["status", "timeout", "connection", "malformed", "other"]
Classifier = Callable[[BaseException, str], "Failure | None"]


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
    """The human message inside a provider's error body (vendors nest it under error)."""
    if isinstance(body, dict):
        inner = body.get("error", body)
        if isinstance(inner, dict) and isinstance(inner.get("message"), str):
            return str(inner["message"])
        if isinstance(body.get("message"), str):
            return str(body["message"])
    if isinstance(body, str) and body.strip():
        return body.strip()[:500]
    return fallback


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


def status_failure(label: str, status: int, body: object, fallback: str, headers: Any) -> Failure:
    """An HTTP error status, with the provider's message, Retry-After and request id."""
    get = headers.get if headers is not None else (lambda _name: None)
    return Failure(
        "status",
        f"{label} returned HTTP {status}: {provider_message(body, fallback)}",
        status,
        parse_retry_after(get("retry-after-ms"), get("retry-after")),
        get("x-request-id") or get("request-id"),
    )


def connection_failure(label: str, exc: BaseException, message: str) -> Failure:
    cause = exc.__cause__
    detail = f" ({type(cause).__name__})" if cause is not None else ""
    return Failure("connection", f"Could not reach {label}{detail}: {message}")


def stainless_classifier(module: str) -> Classifier:
    """Errors of the openai / anthropic SDKs (same class tree); never imports the SDK: an
    exception of an SDK exists only once that SDK has been imported by whoever raised it."""

    def classify(exc: BaseException, label: str) -> Failure | None:
        sdk: Any = sys.modules.get(module)
        if sdk is None:
            return None
        if isinstance(exc, sdk.APIStatusError):
            return status_failure(
                label, exc.status_code, exc.body, exc.message, exc.response.headers
            )
        if isinstance(exc, sdk.APITimeoutError):
            return Failure("timeout", f"{label} did not answer in time.")
        if isinstance(exc, sdk.APIConnectionError):
            return connection_failure(label, exc, exc.message)
        if isinstance(exc, sdk.APIResponseValidationError):
            return Failure("malformed", f"{label} sent a malformed response: {exc}")
        return None

    return classify


def generic_failure(exc: BaseException, label: str) -> Failure:
    """What no vendor classifier recognised: encoding, parsing and other errors."""
    if isinstance(exc, UnicodeEncodeError):
        # Raised while building the request: a header value (the key) that is not ASCII.
        return Failure(
            "other",
            f"The request to {label} could not be sent: its API key or a header holds characters "
            "HTTP headers cannot carry. Set the key again in Settings.",
        )
    if isinstance(exc, ValueError):  # json.JSONDecodeError and pydantic validation errors
        return Failure("malformed", f"{label} sent a malformed response: {exc}")
    return Failure("other", f"{label} call failed: {type(exc).__name__}: {exc}")
