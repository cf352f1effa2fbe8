"""Token counts of one call as the provider bills them: what a price applies to."""

from __future__ import annotations

from pydantic import BaseModel


class Usage(BaseModel):
    """Token counts as the provider bills them.

    input_tokens is the TOTAL prompt (cached reads and cache writes included) for every
    provider, so rows compare across vendors; cached_input_tokens and cache_write_tokens
    are the parts of it billed at their own rates. cache_write_extended_tokens is the part of
    cache_write_tokens written with the longer retention (Anthropic 1 h, OpenAI 12 h).
    """

    input_tokens: int = 0
    output_tokens: int = 0
    cached_input_tokens: int = 0
    cache_write_tokens: int = 0
    cache_write_extended_tokens: int = 0
    reasoning_tokens: int = 0
