"""Google Gemini's generateContent through the official google-genai SDK."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
from google import genai
from google.genai import types

from ...vendors.gemini import usage_from
from ..types import LLMRequest
from . import JSON_INSTRUCTION, MAX_MODELS, RawResult, StreamState, Timeouts

# The Gemini Developer API's version for generateContent (the SDK's default moves with releases).
API_VERSION = "v1beta"


def _http_options(base_url: str, t: Timeouts, client: httpx.AsyncClient | None = None) -> Any:
    # attempts=1: the gateway owns retries. The timeout is in milliseconds, per request.
    return types.HttpOptions(
        base_url=base_url,
        api_version=API_VERSION,
        timeout=int(t.read_s * 1000),
        retry_options=types.HttpRetryOptions(attempts=1),
        httpx_async_client=client,
    )


def _text(resp: types.GenerateContentResponse) -> str:
    """The answer's text parts (thought summaries excluded), without the SDK's warnings."""
    out: list[str] = []
    for candidate in (resp.candidates or [])[:1]:
        parts = candidate.content.parts if candidate.content else None
        out.extend(p.text for p in parts or [] if p.text and not p.thought)
    return "".join(out)


class GeminiStream:
    def __init__(
        self,
        first: types.GenerateContentResponse | None,
        rest: AsyncIterator[types.GenerateContentResponse],
    ) -> None:
        self._first, self._rest = first, rest
        self.state = StreamState(request_id=first.response_id if first else None)

    def _take(self, chunk: types.GenerateContentResponse) -> str:
        self.state.model = chunk.model_version or self.state.model
        if chunk.usage_metadata is not None:
            # Each chunk's usage is the running total so far: keep the newest.
            self.state.usage = usage_from(chunk.usage_metadata)
        text = _text(chunk)
        if text:
            self.state.chunks.append(text)
        return text

    async def texts(self) -> AsyncIterator[str]:
        if self._first is not None:
            text = self._take(self._first)
            if text:
                yield text
        async for chunk in self._rest:
            text = self._take(chunk)
            if text:
                yield text

    async def close(self) -> None:
        close = getattr(self._rest, "aclose", None)
        if close is not None:
            await close()


class GeminiContent:
    def __init__(self, *, label: str, api_key: str, base_url: str, timeouts: Timeouts) -> None:
        self.label = label
        self._base_url = base_url
        # Our own httpx client: the SDK closes only clients it made, and ours sets connect.
        self._http = httpx.AsyncClient(
            timeout=httpx.Timeout(timeouts.read_s, connect=timeouts.connect_s)
        )
        self.client = genai.Client(
            api_key=api_key, http_options=_http_options(base_url, timeouts, self._http)
        )

    def params(self, req: LLMRequest, model: str, timeouts: Timeouts) -> dict[str, Any]:
        # Gemini has no system role in contents: system turns join the system instruction.
        system = [req.system] if req.system else []
        system += [m.content for m in req.messages if m.role == "system"]
        contents = [
            {"role": "model" if m.role == "assistant" else "user", "parts": [{"text": m.content}]}
            for m in req.messages
            if m.role != "system"
        ]
        config: dict[str, Any] = {
            "max_output_tokens": req.max_tokens,
            "http_options": {"timeout": int(timeouts.read_s * 1000)},
        }
        if req.json_mode:
            config["response_mime_type"] = "application/json"
            system.append(JSON_INSTRUCTION)
        if system:
            config["system_instruction"] = "\n\n".join(system)
        if req.temperature is not None:
            config["temperature"] = req.temperature
        return {"model": model, "contents": contents, "config": config}

    async def complete(self, req: LLMRequest, model: str, timeouts: Timeouts) -> RawResult:
        resp = await self.client.aio.models.generate_content(**self.params(req, model, timeouts))
        return RawResult(
            _text(resp),
            resp.model_version or None,
            usage_from(resp.usage_metadata),
            resp.response_id,
        )

    async def open_stream(self, req: LLMRequest, model: str, timeouts: Timeouts) -> GeminiStream:
        chunks = await self.client.aio.models.generate_content_stream(
            **self.params(req, model, timeouts)
        )
        # The request goes out on the first read: take it here, so that a refusal (429, 5xx)
        # happens under the gateway's retries rather than mid-stream.
        try:
            first: types.GenerateContentResponse | None = await anext(chunks)
        except StopAsyncIteration:
            first = None
        return GeminiStream(first, chunks)

    async def list_models(self, timeouts: Timeouts) -> list[str]:
        out: list[str] = []
        async for m in await self.client.aio.models.list(
            config={"http_options": {"timeout": int(timeouts.read_s * 1000)}}
        ):
            out.append(str(m.name or "").removeprefix("models/"))
            if len(out) >= MAX_MODELS:
                break
        return sorted(out)

    async def aclose(self) -> None:
        await self.client.aio.aclose()
        await self._http.aclose()


def build(
    *, name: str, label: str, api_key: str | None, base_url: str, timeouts: Timeouts
) -> GeminiContent:
    """The Vendor spec's factory."""
    assert api_key is not None
    return GeminiContent(label=label, api_key=api_key, base_url=base_url, timeouts=timeouts)
