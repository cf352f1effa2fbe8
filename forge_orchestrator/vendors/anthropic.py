"""Anthropic: Claude models through the Messages API."""

from __future__ import annotations

from typing import Any

from ..pricing.usage import Usage
from .failure import stainless_classifier
from .spec import Vendor


def _field(obj: Any, name: str) -> int | None:
    """A count from an SDK model or, for a field the SDK type lacks, from its extra dict."""
    value = obj.get(name) if isinstance(obj, dict) else getattr(obj, name, None)
    return None if value is None else int(value)


def _cache_split(u: Any) -> tuple[int | None, int | None]:
    """(5-minute, 1-hour) cache writes from ``usage.cache_creation``; (None, None) without it."""
    split = getattr(u, "cache_creation", None)
    if split is None:
        return None, None
    return _field(split, "ephemeral_5m_input_tokens"), _field(split, "ephemeral_1h_input_tokens")


def usage_from(u: Any, prev: Usage | None = None) -> Usage:
    """input_tokens excludes cache reads and writes; ours is the whole prompt, so add them.

    cache_creation_input_tokens is the whole write; ``cache_creation`` splits it by TTL and
    the 1-hour part is billed at its own rate. A message_delta may omit the input-side fields
    (and never carries the split): those keep the earlier values.
    """
    base = prev or Usage()
    if u is None:
        return base
    uncached = getattr(u, "input_tokens", None)
    read = getattr(u, "cache_read_input_tokens", None)
    write = getattr(u, "cache_creation_input_tokens", None)
    short, long = _cache_split(u)
    if write is None and (short is not None or long is not None):
        write = (short or 0) + (long or 0)
    cached = base.cached_input_tokens if read is None else read
    written = base.cache_write_tokens if write is None else write
    extended = base.cache_write_extended_tokens if long is None else long
    total_in = base.input_tokens if uncached is None else uncached + cached + written
    details = getattr(u, "output_tokens_details", None)
    thinking = getattr(details, "thinking_tokens", None) if details is not None else None
    output = getattr(u, "output_tokens", None)
    return Usage(
        input_tokens=total_in,
        output_tokens=output if output is not None else base.output_tokens,
        cached_input_tokens=cached,
        cache_write_tokens=written,
        cache_write_extended_tokens=min(extended, written),
        reasoning_tokens=thinking or base.reasoning_tokens,
    )


VENDOR = Vendor(
    name="anthropic",
    label="Anthropic",
    adapter="forge_orchestrator.llm.providers.anthropic_messages:build",
    key_env=("ANTHROPIC_API_KEY",),
    base_url_env="ANTHROPIC_BASE_URL",
    default_base_url="https://api.anthropic.com",
    default_model="claude-sonnet-5-5",
    models=r"^claude",
    classify=stainless_classifier("anthropic"),
    usage=usage_from,
    sdk="anthropic",
    order=20,
    key_hint="sk-ant-…",
    key_url="https://console.anthropic.com/settings/keys",
    help="Claude models through the official anthropic SDK (Messages API).",
)
