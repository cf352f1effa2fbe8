"""Anthropic Messages through the official anthropic SDK."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import anthropic
from anthropic.types import Message, RawMessageStreamEvent

from ...vendors.anthropic import usage_from
from ..types import LLMRequest
from . import JSON_INSTRUCTION, RawResult, StreamState, Timeouts, collect_model_ids


def _timeout(t: Timeouts) -> anthropic.Timeout:
    return anthropic.Timeout(t.read_s, connect=t.connect_s)


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


def build(
    *, name: str, label: str, api_key: str | None, base_url: str, timeouts: Timeouts
) -> AnthropicMessages:
    """The Vendor spec's factory."""
    assert api_key is not None
    return AnthropicMessages(label=label, api_key=api_key, base_url=base_url, timeouts=timeouts)
