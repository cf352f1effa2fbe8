"""Anthropic Messages through the official anthropic SDK."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import anthropic
from anthropic.types import Message, MessageDeltaUsage, RawMessageStreamEvent
from anthropic.types import Usage as AnthropicUsage

from ..types import LLMRequest, Usage
from . import JSON_INSTRUCTION, RawResult, StreamState, Timeouts, collect_model_ids


def _timeout(t: Timeouts) -> anthropic.Timeout:
    return anthropic.Timeout(t.read_s, connect=t.connect_s)


def _field(obj: Any, name: str) -> int | None:
    """A count from an SDK model or, for a field the SDK type lacks, from its extra dict."""
    value = obj.get(name) if isinstance(obj, dict) else getattr(obj, name, None)
    return None if value is None else int(value)


def _cache_split(u: AnthropicUsage | MessageDeltaUsage) -> tuple[int | None, int | None]:
    """(5-minute, 1-hour) cache writes from ``usage.cache_creation``; (None, None) without it."""
    split = getattr(u, "cache_creation", None)
    if split is None:
        return None, None
    return _field(split, "ephemeral_5m_input_tokens"), _field(split, "ephemeral_1h_input_tokens")


def usage_from(u: AnthropicUsage | MessageDeltaUsage | None, prev: Usage | None = None) -> Usage:
    """input_tokens excludes cache reads and writes; ours is the whole prompt, so add them.

    cache_creation_input_tokens is the whole write; ``cache_creation`` splits it by TTL and
    the 1-hour part is billed at its own rate. A message_delta may omit the input-side fields
    (and never carries the split): those keep the earlier values.
    """
    base = prev or Usage()
    if u is None:
        return base
    uncached = u.input_tokens
    read = u.cache_read_input_tokens
    write = u.cache_creation_input_tokens
    short, long = _cache_split(u)
    if write is None and (short is not None or long is not None):
        write = (short or 0) + (long or 0)
    cached = base.cached_input_tokens if read is None else read
    written = base.cache_write_tokens if write is None else write
    extended = base.cache_write_extended_tokens if long is None else long
    total_in = base.input_tokens if uncached is None else uncached + cached + written
    details = getattr(u, "output_tokens_details", None)
    thinking = getattr(details, "thinking_tokens", None) if details is not None else None
    return Usage(
        input_tokens=total_in,
        output_tokens=u.output_tokens if u.output_tokens is not None else base.output_tokens,
        cached_input_tokens=cached,
        cache_write_tokens=written,
        cache_write_extended_tokens=min(extended, written),
        reasoning_tokens=thinking or base.reasoning_tokens,
    )


class AnthropicStream:
    def __init__(self, stream: anthropic.AsyncStream[RawMessageStreamEvent]) -> None:
        self._stream = stream
        self.state = StreamState(request_id=stream.response.headers.get("request-id"))

    async def texts(self) -> AsyncIterator[str]:
        async for event in self._stream:
            if event.type == "message_start":
                self.state.model = event.message.model
                self.state.usage = usage_from(event.message.usage)
            elif event.type == "message_delta":
                # Counts are cumulative: keep the newest, never sum.
                self.state.usage = usage_from(event.usage, self.state.usage)
            elif event.type == "content_block_delta" and event.delta.type == "text_delta":
                self.state.chunks.append(event.delta.text)
                yield event.delta.text

    async def close(self) -> None:
        await self._stream.close()


class AnthropicMessages:
    def __init__(self, *, label: str, api_key: str, base_url: str, timeouts: Timeouts) -> None:
        self.label = label
        self.client = anthropic.AsyncAnthropic(
            api_key=api_key, base_url=base_url, max_retries=0, timeout=_timeout(timeouts)
        )

    def params(self, req: LLMRequest, model: str) -> dict[str, Any]:
        # Messages has no system role: system turns join the top-level system prompt.
        system_parts = [req.system] if req.system else []
        system_parts += [m.content for m in req.messages if m.role == "system"]
        if req.json_mode:
            system_parts.append(JSON_INSTRUCTION)
        params: dict[str, Any] = {
            "model": model,
            "max_tokens": req.max_tokens,
            "messages": [
                {"role": m.role, "content": m.content} for m in req.messages if m.role != "system"
            ],
        }
        if system_parts:
            params["system"] = "\n\n".join(system_parts)
        if req.temperature is not None:
            params["temperature"] = min(req.temperature, 1.0)
        return params

    async def complete(self, req: LLMRequest, model: str, timeouts: Timeouts) -> RawResult:
        msg: Message = await self.client.messages.create(
            **self.params(req, model), timeout=_timeout(timeouts)
        )
        text = "".join(b.text for b in msg.content if b.type == "text")
        return RawResult(text, msg.model or None, usage_from(msg.usage), msg._request_id)

    async def open_stream(self, req: LLMRequest, model: str, timeouts: Timeouts) -> AnthropicStream:
        stream = await self.client.messages.create(
            **self.params(req, model), stream=True, timeout=_timeout(timeouts)
        )
        return AnthropicStream(stream)

    async def list_models(self, timeouts: Timeouts) -> list[str]:
        return await collect_model_ids(self.client.models.list(timeout=_timeout(timeouts)))

    async def aclose(self) -> None:
        await self.client.close()
