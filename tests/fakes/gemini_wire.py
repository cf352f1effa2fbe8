"""The fake provider's Gemini API: models/{model}:generateContent, and :streamGenerateContent as SSE."""

from __future__ import annotations

import json
import time
import uuid
from typing import Any


def model_of(path: str) -> str:
    """``/v1beta/models/gemini-2.5-flash:generateContent`` → ``gemini-2.5-flash``."""
    return path.split("?")[0].rsplit("/", 1)[-1].split(":", 1)[0]


def usage(reply: Any, *, final: bool = True) -> dict[str, Any]:
    """usageMetadata: promptTokenCount includes the cached part; thoughts are counted apart."""
    if reply.usage is not None:
        return dict(reply.usage)
    out = {"promptTokenCount": reply.input_tokens}
    if reply.cached_tokens:
        out["cachedContentTokenCount"] = reply.cached_tokens
    if final:
        out["candidatesTokenCount"] = reply.output_tokens
        if reply.reasoning_tokens:
            out["thoughtsTokenCount"] = reply.reasoning_tokens
    spent = out.get("candidatesTokenCount", 0) + out.get("thoughtsTokenCount", 0)
    out["totalTokenCount"] = reply.input_tokens + spent
    return out


def _chunk(text: str, model: str, rid: str, use: dict[str, Any], finish: bool) -> dict[str, Any]:
    candidate: dict[str, Any] = {
        "content": {"role": "model", "parts": [{"text": text}]},
        "index": 0,
    }
    if finish:
        candidate["finishReason"] = "STOP"
    return {
        "candidates": [candidate],
        "usageMetadata": use,
        "modelVersion": model,
        "responseId": rid,
    }


def serve(handler: Any, reply: Any, body: dict[str, Any]) -> None:
    model = reply.model or model_of(handler.path)
    rid = uuid.uuid4().hex[:22]
    if ":streamGenerateContent" not in handler.path:
        handler._send_json(200, _chunk(reply.text, model, rid, usage(reply), True))
        return
    handler._start_stream(anthropic=False)
    pieces = handler._pieces(reply)
    for i, piece in enumerate(pieces):
        if reply.cut_after_chunks is not None and i >= reply.cut_after_chunks:
            handler._cut()
            return
        if reply.chunk_delay_s:
            time.sleep(reply.chunk_delay_s)
        last = i == len(pieces) - 1
        use = usage(reply, final=last) if reply.stream_usage or not last else {}
        handler._chunk(f"data: {json.dumps(_chunk(piece, model, rid, use, last))}\r\n\r\n")
    handler._end_stream()


def error_body(status: int, message: str) -> dict[str, Any]:
    kind = {
        400: "INVALID_ARGUMENT",
        401: "UNAUTHENTICATED",
        403: "PERMISSION_DENIED",
        429: "RESOURCE_EXHAUSTED",
        503: "UNAVAILABLE",
    }.get(status, "INTERNAL")
    return {"error": {"code": status, "message": message, "status": kind}}


def models_body(models: list[str]) -> dict[str, Any]:
    return {
        "models": [
            {
                "name": f"models/{m}",
                "displayName": m,
                "supportedGenerationMethods": ["generateContent"],
            }
            for m in models
        ]
    }
