"""OpenAI: Chat Completions for most models, the Responses API for the models only it serves."""

from __future__ import annotations

from typing import Any

from ..pricing.usage import Usage
from .failure import stainless_classifier
from .spec import Vendor

RESPONSES_ONLY = r"^(gpt-5(\.\d+)?-pro|o\d+-pro)($|-)"


def _count(obj: Any, name: str) -> int:
    """A count from an SDK model or, for a field the SDK type lacks, from its extra dict."""
    value = obj.get(name) if isinstance(obj, dict) else getattr(obj, name, None)
    return int(value or 0)


def _usage(prompt: int, output: int, in_details: Any, out_details: Any) -> Usage:
    """Both APIs nest the cached subset, the cache writes (with an optional 12-hour TTL
    split) and the reasoning subset the same way, under differently named fields."""
    written = _count(in_details, "cache_write_tokens") if in_details else 0
    split = getattr(in_details, "cache_write_tokens_details", None) if in_details else None
    extended = _count(split, "ttl_12h_tokens") if split is not None else 0
    return Usage(
        input_tokens=prompt,
        output_tokens=output,
        cached_input_tokens=_count(in_details, "cached_tokens") if in_details else 0,
        cache_write_tokens=written,
        cache_write_extended_tokens=min(extended, written),
        reasoning_tokens=_count(out_details, "reasoning_tokens") if out_details else 0,
    )


def usage_from(u: Any) -> Usage | None:
    """Chat Completions usage: prompt_tokens already includes cached tokens.

    cache_write_tokens is the whole write (30-minute retention unless split). Chat
    Completions' usage type has no TTL split; the Responses API reports one as
    ``cache_write_tokens_details.ttl_12h_tokens``, so that object is read here too when a
    server sends it, and the 12-hour part is billed at the extended-retention rate.
    """
    if u is None:
        return None
    return _usage(
        u.prompt_tokens or 0,
        u.completion_tokens or 0,
        getattr(u, "prompt_tokens_details", None),
        getattr(u, "completion_tokens_details", None),
    )


def responses_usage_from(u: Any) -> Usage | None:
    """Responses API usage: input_tokens includes cached ones; output includes reasoning."""
    if u is None:
        return None
    return _usage(
        _count(u, "input_tokens"),
        _count(u, "output_tokens"),
        getattr(u, "input_tokens_details", None),
        getattr(u, "output_tokens_details", None),
    )


VENDOR = Vendor(
    name="openai",
    label="OpenAI",
    adapter="forge_orchestrator.llm.providers.openai_chat:build",
    # Served by the Responses API only (model-prices.md): gpt-5.5-pro and the other pro models.
    routes=((RESPONSES_ONLY, "forge_orchestrator.llm.providers.openai_responses:build"),),
    key_env=("OPENAI_API_KEY",),
    base_url_env="OPENAI_BASE_URL",
    default_base_url="https://api.openai.com/v1",
    default_model="gpt-6.2-sol",
    models=r"^(gpt-|o\d|chatgpt-)",
    classify=stainless_classifier("openai"),
    usage=usage_from,
    sdk="openai",
    order=10,
    tokenizer="o200k_base",
    key_hint="sk-…",
    key_url="https://platform.openai.com/api-keys",
    help="GPT models through the official openai SDK (Chat Completions; Responses for pro models).",
)
