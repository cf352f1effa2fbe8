"""The fake provider's OpenAI Responses API: POST /v1/responses as JSON or as SSE events."""

from __future__ import annotations

import json
import time
import uuid
from typing import Any


def usage(reply: Any) -> dict[str, Any]:
    """Responses usage: input_tokens includes cached ones, output_tokens includes reasoning."""
    if reply.usage is not None:
        return dict(reply.usage)
    return {
        "input_tokens": reply.input_tokens,
        "input_tokens_details": {"cached_tokens": reply.cached_tokens},
        "output_tokens": reply.output_tokens,
        "output_tokens_details": {"reasoning_tokens": reply.reasoning_tokens},
        "total_tokens": reply.input_tokens + reply.output_tokens,
    }


def _message(item_id: str, text: str, status: str) -> dict[str, Any]:
    content = [{"type": "output_text", "text": text, "annotations": [], "logprobs": []}]
    return {
        "type": "message",
        "id": item_id,
        "status": status,
        "role": "assistant",
        "content": content if text or status == "completed" else [],
    }


def response(
    rid: str, model: str, body: dict[str, Any], *, output: list[Any], status: str, use: Any
) -> dict[str, Any]:
    return {
        "id": rid,
        "object": "response",
        "created_at": int(time.time()),
        "status": status,
        "model": model,
        "output": output,
        "error": None,
        "incomplete_details": None,
        "instructions": body.get("instructions"),
        "max_output_tokens": body.get("max_output_tokens"),
        "metadata": {},
        "parallel_tool_calls": True,
        "temperature": body.get("temperature", 1.0),
        "tool_choice": "auto",
        "tools": [],
        "top_p": 1.0,
        "store": body.get("store", True),
        "usage": use,
    }


def serve(handler: Any, reply: Any, body: dict[str, Any]) -> None:
    model = reply.model or str(body.get("model") or "unknown-model")
    (stream if body.get("stream") else complete)(handler, reply, model, body)


def complete(handler: Any, reply: Any, model: str, body: dict[str, Any]) -> None:
    rid = f"resp_{uuid.uuid4().hex[:16]}"
    item = _message(f"msg_{uuid.uuid4().hex[:12]}", reply.text, "completed")
    out = response(rid, model, body, output=[item], status="completed", use=usage(reply))
    handler._send_json(200, out, {"x-request-id": f"req_{uuid.uuid4().hex[:16]}"})


def stream(handler: Any, reply: Any, model: str, body: dict[str, Any]) -> None:
    """The event sequence the API sends; usage only on the final response.completed."""
    handler._start_stream(anthropic=False)
    seq = iter(range(1_000_000))
    rid, item_id = f"resp_{uuid.uuid4().hex[:16]}", f"msg_{uuid.uuid4().hex[:12]}"

    def event(name: str, data: dict[str, Any]) -> None:
        payload = {"type": name, "sequence_number": next(seq), **data}
        handler._chunk(f"event: {name}\ndata: {json.dumps(payload)}\n\n")

    started = response(rid, model, body, output=[], status="in_progress", use=None)
    event("response.created", {"response": started})
    event("response.in_progress", {"response": started})
    event(
        "response.output_item.added",
        {"output_index": 0, "item": _message(item_id, "", "in_progress")},
    )
    part = {"type": "output_text", "text": "", "annotations": [], "logprobs": []}
    where = {"item_id": item_id, "output_index": 0, "content_index": 0}
    event("response.content_part.added", {**where, "part": part})
    for i, piece in enumerate(handler._pieces(reply)):
        if reply.cut_after_chunks is not None and i >= reply.cut_after_chunks:
            handler._cut()
            return
        if reply.chunk_delay_s:
            time.sleep(reply.chunk_delay_s)
        event("response.output_text.delta", {**where, "delta": piece, "logprobs": []})
    event("response.output_text.done", {**where, "text": reply.text, "logprobs": []})
    event("response.content_part.done", {**where, "part": {**part, "text": reply.text}})
    item = _message(item_id, reply.text, "completed")
    event("response.output_item.done", {"output_index": 0, "item": item})
    use = usage(reply) if reply.stream_usage else None
    done = response(rid, model, body, output=[item], status="completed", use=use)
    event("response.completed", {"response": done})
    handler._end_stream()
