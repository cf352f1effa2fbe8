"""OpenAI's Responses API through the official openai SDK, for the models only it serves."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import openai
from openai.types.responses import Response, ResponseStreamEvent

from ...vendors.openai import responses_usage_from
from ..types import LLMRequest
from . import RawResult, StreamState, Timeouts, collect_model_ids


class ResponseFailed(Exception):
    """The stream reported ``response.failed`` or ``error`` instead of completing."""


def _timeout(t: Timeouts) -> openai.Timeout:
    return openai.Timeout(t.read_s, connect=t.connect_s)


class ResponsesStream:
    def __init__(self, stream: openai.AsyncStream[ResponseStreamEvent]) -> None:
        self._stream = stream
        self.state = StreamState(request_id=stream.response.headers.get("x-request-id"))

    async def texts(self) -> AsyncIterator[str]:
        async for event in self._stream:
            if event.type == "response.created":
                self.state.model = event.response.model
            elif event.type == "response.output_text.delta":
                self.state.chunks.append(event.delta)
                yield event.delta
            elif event.type in ("response.completed", "response.incomplete"):
                # Only the final response carries usage, for the whole request.
                self.state.model = event.response.model or self.state.model
                self.state.usage = responses_usage_from(event.response.usage)
            elif event.type == "response.failed":
                error = event.response.error
                raise ResponseFailed(error.message if error else "the response failed")
            elif event.type == "error":
                raise ResponseFailed(event.message)

    async def close(self) -> None:
        await self._stream.close()


class OpenAIResponses:
    def __init__(self, *, label: str, api_key: str, base_url: str, timeouts: Timeouts) -> None:
        self.label = label
        self.client = openai.AsyncOpenAI(
            api_key=api_key, base_url=base_url, max_retries=0, timeout=_timeout(timeouts)
        )

    def params(self, req: LLMRequest, model: str) -> dict[str, Any]:
        params: dict[str, Any] = {
            "model": model,
            "input": [{"role": m.role, "content": m.content} for m in req.messages],
            "max_output_tokens": req.max_tokens,
            "store": False,  # Forge keeps its own ledger; nothing is left on OpenAI's side
        }
        if req.system:
            params["instructions"] = req.system
        if req.temperature is not None:
            params["temperature"] = req.temperature
        if req.json_mode:
            params["text"] = {"format": {"type": "json_object"}}
        return params

    async def complete(self, req: LLMRequest, model: str, timeouts: Timeouts) -> RawResult:
        resp: Response = await self.client.responses.create(
            **self.params(req, model), timeout=_timeout(timeouts)
        )
        usage = responses_usage_from(resp.usage)
        return RawResult(resp.output_text, resp.model or None, usage, resp._request_id)

    async def open_stream(self, req: LLMRequest, model: str, timeouts: Timeouts) -> ResponsesStream:
        stream = await self.client.responses.create(
            **self.params(req, model), stream=True, timeout=_timeout(timeouts)
        )
        return ResponsesStream(stream)

    async def list_models(self, timeouts: Timeouts) -> list[str]:
        return await collect_model_ids(self.client.models.list(timeout=_timeout(timeouts)))

    async def aclose(self) -> None:
        await self.client.close()


def build(
    *, name: str, label: str, api_key: str | None, base_url: str, timeouts: Timeouts
) -> OpenAIResponses:
    """The Vendor spec's factory for the models OpenAI serves through Responses only."""
    assert api_key is not None
    return OpenAIResponses(label=label, api_key=api_key, base_url=base_url, timeouts=timeouts)
