"""Google Gemini through the official google-genai SDK (the Gemini Developer API)."""

from __future__ import annotations

import sys
from typing import Any

from ..pricing.usage import Usage
from .failure import Failure, connection_failure, status_failure
from .spec import Vendor


def _count(obj: Any, name: str) -> int:
    return int(getattr(obj, name, None) or 0)


def usage_from(meta: Any) -> Usage | None:
    """usage_metadata: prompt_token_count includes the cached part (cached_content_token_count);
    candidates_token_count excludes thinking, which is billed as output (thoughts_token_count)."""
    if meta is None:
        return None
    thoughts = _count(meta, "thoughts_token_count")
    return Usage(
        input_tokens=_count(meta, "prompt_token_count")
        + _count(meta, "tool_use_prompt_token_count"),
        output_tokens=_count(meta, "candidates_token_count") + thoughts,
        cached_input_tokens=_count(meta, "cached_content_token_count"),
        reasoning_tokens=thoughts,
    )


def classify(exc: BaseException, label: str) -> Failure | None:
    """google.genai.errors.APIError carries the HTTP status as ``.code``; transport failures
    surface as httpx's own exceptions (the SDK does not wrap them)."""
    errors: Any = sys.modules.get("google.genai.errors")
    if errors is not None and isinstance(exc, errors.APIError):
        response = getattr(exc, "response", None)
        headers = getattr(response, "headers", None)
        message = exc.message or str(exc)
        return status_failure(label, int(exc.code or 0), exc.details, message, headers)
    httpx: Any = sys.modules.get("httpx")
    if httpx is not None and isinstance(exc, httpx.TimeoutException):
        return Failure("timeout", f"{label} did not answer in time.")
    if httpx is not None and isinstance(exc, httpx.TransportError):
        return connection_failure(label, exc, str(exc) or type(exc).__name__)
    return None


VENDOR = Vendor(
    name="gemini",
    label="Google Gemini",
    adapter="forge_orchestrator.llm.providers.gemini:build",
    key_env=("GEMINI_API_KEY", "GOOGLE_API_KEY"),
    base_url_env="GOOGLE_GEMINI_BASE_URL",
    default_base_url="https://generativelanguage.googleapis.com",
    default_model="gemini-2.5-flash",
    models=r"^gemini-",
    classify=classify,
    usage=usage_from,
    sdk="google.genai",
    order=30,
    key_hint="AIza…",
    key_url="https://aistudio.google.com/app/apikey",
    help="Gemini models through the official google-genai SDK (Gemini Developer API).",
)
