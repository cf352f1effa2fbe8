"""OpenAI Chat Completions through the official openai SDK (also used for compatible servers)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import openai
from openai.types.chat import ChatCompletion, ChatCompletionChunk

from ...vendors.openai import usage_from
from ..types import LLMRequest
from . import RawResult, StreamState, Timeouts, collect_model_ids


def _timeout(t: Timeouts) -> openai.Timeout:
    return openai.Timeout(t.read_s, connect=t.connect_s)


class OpenAIChatStream:
    def __init__(self, stream: openai.AsyncStream[ChatCompletionChunk]) -> None:
        self._stream = stream
        self.state = StreamState(request_id=stream.response.headers.get("x-request-id"))

    async def texts(self) -> AsyncIterator[str]:
        async for chunk in self._stream:
            if chunk.model:
                self.state.model = chunk.model
            if chunk.usage is not None:
                # Only the final chunk (choices == []) carries usage, for the whole request.
                self.state.usage = usage_from(chunk.usage)
            for choice in chunk.choices:
                text = choice.delta.content if choice.delta else None
                if text:
                    self.state.chunks.append(text)
                    yield text

    async def close(self) -> None:
        await self._stream.close()


class OpenAIChat:
    """Chat Completions. ``compatible`` servers get the older ``max_tokens`` parameter."""

    def __init__(
        self,
        *,
        label: str,
        api_key: str,
        base_url: str,
        timeouts: Timeouts,
        compatible: bool = False,
    ) -> None:
        self.label = label
        self._compatible = compatible
        self.client = openai.AsyncOpenAI(
            api_key=api_key, base_url=base_url, max_retries=0, timeout=_timeout(timeouts)
        )

    def params(self, req: LLMRequest, model: str) -> dict[str, Any]:
        messages: list[dict[str, str]] = []
        if req.system:
            messages.append({"role": "system", "content": req.system})
        messages.extend({"role": m.role, "content": m.content} for m in req.messages)
        params: dict[str, Any] = {"model": model, "messages": messages}
        # OpenAI's newer models reject max_tokens; local servers often only know max_tokens.
        params["max_tokens" if self._compatible else "max_completion_tokens"] = req.max_tokens
        if req.temperature is not None:
            params["temperature"] = req.temperature
        if req.json_mode:
            params["response_format"] = {"type": "json_object"}
        return params

    async def complete(self, req: LLMRequest, model: str, timeouts: Timeouts) -> RawResult:
        resp: ChatCompletion = await self.client.chat.completions.create(
            **self.params(req, model), timeout=_timeout(timeouts)
        )
        text = "".join(c.message.content or "" for c in resp.choices[:1])
        return RawResult(text, resp.model or None, usage_from(resp.usage), resp._request_id)

    async def open_stream(
        self, req: LLMRequest, model: str, timeouts: Timeouts
    ) -> OpenAIChatStream:
        stream = await self.client.chat.completions.create(
            **self.params(req, model),
            stream=True,
            stream_options={"include_usage": True},
            timeout=_timeout(timeouts),
        )
        return OpenAIChatStream(stream)

    async def list_models(self, timeouts: Timeouts) -> list[str]:
        return await collect_model_ids(self.client.models.list(timeout=_timeout(timeouts)))

    async def aclose(self) -> None:
        await self.client.close()


def build(
    *, name: str, label: str, api_key: str | None, base_url: str, timeouts: Timeouts
) -> OpenAIChat:
    """The Vendor spec's factory for OpenAI's own API."""
    assert api_key is not None
    return OpenAIChat(label=label, api_key=api_key, base_url=base_url, timeouts=timeouts)
