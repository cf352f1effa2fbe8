"""A fake LLM provider on loopback: OpenAI Chat Completions and Responses, Anthropic Messages
and Gemini generateContent.

Tests drive it through the official SDKs by pointing their base URL here. Each completion
request takes the next scripted ``Reply`` (or a default one) and every request is recorded.
"""

from __future__ import annotations

import json
import sys
import threading
import time
import uuid
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from tests.fakes import gemini_wire, responses_wire

DEFAULT_MODELS = ["gpt-6.2-sol", "gpt-6-luna", "claude-sonnet-5-5", "claude-haiku-5-5"]


@dataclass
class Reply:
    """What the fake provider does for one completion request."""

    text: str = "Hello from the fake provider."
    input_tokens: int = 12
    output_tokens: int = 7
    cached_tokens: int = 0  # OpenAI: subset of prompt_tokens; Anthropic: cache_read_input_tokens
    cache_write_tokens: int = 0
    reasoning_tokens: int = 0
    model: str | None = None  # reported model; None echoes the requested one
    status: int = 200
    error_message: str = "The fake provider failed."
    headers: dict[str, str] = field(default_factory=dict)  # e.g. {"Retry-After": "2"}
    malformed: bool = False  # 200 with a body that is not valid JSON
    delay_s: float = 0.0  # before the response starts
    hang: bool = False  # never answer (until the server stops)
    reset: bool = False  # drop the connection without answering (a connection reset)
    stream_usage: bool = True  # OpenAI: usage chunk if asked; Anthropic: usage in events
    cut_after_chunks: int | None = None  # close a stream abruptly after this many text chunks
    chunk_delay_s: float = 0.0
    message_deltas: int = 1  # Anthropic: several cumulative message_delta events
    # The vendor's usage object verbatim (its exact JSON shape), instead of the counts above.
    usage: dict[str, Any] | None = None


@dataclass
class Received:
    method: str
    path: str
    headers: dict[str, str]
    body: Any


class FakeLLMServer:
    """A threaded HTTP server on 127.0.0.1 with a random port."""

    def __init__(self) -> None:
        self.replies: deque[Reply] = deque()
        self.requests: list[Received] = []
        self.models: list[str] = list(DEFAULT_MODELS)
        self.valid_keys: set[str] | None = None  # None: any non-empty key is accepted
        self.default = Reply()
        self._release = threading.Event()
        self._lock = threading.Lock()
        self._httpd = _QuietServer(("127.0.0.1", 0), _make_handler(self))
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def port(self) -> int:
        return int(self._httpd.server_address[1])

    @property
    def openai_base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    @property
    def anthropic_base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> FakeLLMServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._release.set()  # wakes hanging handlers
        self._httpd.shutdown()
        self._httpd.server_close()

    def script(self, *replies: Reply) -> None:
        """Queue replies for the next completion requests, in order."""
        with self._lock:
            self.replies.extend(replies)

    def completion_requests(self) -> list[Received]:
        ends = ("/chat/completions", "/messages", "/responses", ":generateContent")
        ends += (":streamGenerateContent",)
        return [r for r in self.requests if r.path.split("?")[0].endswith(ends)]

    def _next_reply(self) -> Reply:
        with self._lock:
            return self.replies.popleft() if self.replies else self.default

    def _record(self, rec: Received) -> None:
        with self._lock:
            self.requests.append(rec)


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that gave up (timeout, cancellation) is part of the script, not an error.
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


def _make_handler(server: FakeLLMServer) -> type[BaseHTTPRequestHandler]:
    class Handler(_Handler):
        fake = server

    return Handler


class _Handler(BaseHTTPRequestHandler):
    fake: FakeLLMServer
    protocol_version = "HTTP/1.1"
    # Headers and body go out in separate writes; Nagle + delayed ACK would add ~40 ms.
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: Any) -> None:  # quiet in test output
        return

    # ---- routing -------------------------------------------------------------------------
    def do_GET(self) -> None:
        self._record(None)
        if not self._authorised():
            return
        if self.path.split("?")[0].endswith("/models"):
            self._models()
        else:
            self._send_json(404, {"error": {"message": f"no route {self.path}"}})

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = None
        self._record(body)
        if not self._authorised():
            return
        path = self.path.split("?")[0]
        if path.endswith("/chat/completions"):
            self._complete(body or {}, anthropic=False)
        elif path.endswith("/messages"):
            self._complete(body or {}, anthropic=True)
        elif path.endswith("/responses"):
            self._complete(body or {}, anthropic=False, wire=responses_wire)
        elif path.endswith((":generateContent", ":streamGenerateContent")):
            self._complete(body or {}, anthropic=False, wire=gemini_wire)
        else:
            self._send_json(404, {"error": {"message": f"no route {self.path}"}})

    def _record(self, body: Any) -> None:
        headers = {k.lower(): v for k, v in self.headers.items()}
        self.fake._record(Received(self.command, self.path, headers, body))

    @property
    def _is_anthropic(self) -> bool:
        return "anthropic-version" in {k.lower() for k in self.headers}

    @property
    def _is_google(self) -> bool:
        return "x-goog-api-key" in {k.lower() for k in self.headers}

    def _authorised(self) -> bool:
        key = self.headers.get("x-api-key") or self.headers.get("x-goog-api-key") or ""
        auth = self.headers.get("Authorization") or ""
        if auth.lower().startswith("bearer "):
            key = auth[7:]
        valid = self.fake.valid_keys
        if key and (valid is None or key in valid):
            return True
        # Like real providers, echo the key back: callers must redact it.
        self._error(401, f"Incorrect API key provided: {key}.", {}, anthropic=self._is_anthropic)
        return False

    # ---- responses -----------------------------------------------------------------------
    def _models(self) -> None:
        if self._is_google:
            self._send_json(200, gemini_wire.models_body(self.fake.models))
            return
        if self._is_anthropic:
            data = [
                {"type": "model", "id": m, "display_name": m, "created_at": "2026-11-01T00:00:00Z"}
                for m in self.fake.models
            ]
            first = data[0]["id"] if data else None
            last = data[-1]["id"] if data else None
            body = {"data": data, "has_more": False, "first_id": first, "last_id": last}
        else:
            body = {
                "object": "list",
                "data": [
                    {"id": m, "object": "model", "created": 0, "owned_by": "fake"}
                    for m in self.fake.models
                ],
            }
        self._send_json(200, body)

    def _complete(self, body: dict[str, Any], *, anthropic: bool, wire: Any = None) -> None:
        reply = self.fake._next_reply()
        if reply.hang:
            self.fake._release.wait(600)
            return
        if reply.delay_s:
            time.sleep(reply.delay_s)
        if reply.reset:
            self._cut()
            return
        if reply.status != 200:
            self._error(reply.status, reply.error_message, reply.headers, anthropic=anthropic)
            return
        if reply.malformed:
            self._send_raw(200, b'{"id": "broken", "choices": [', "application/json", {})
            return
        if wire is not None:  # another wire format, in its own module
            wire.serve(self, reply, body)
            return
        model = reply.model or str(body.get("model") or "unknown-model")
        if body.get("stream"):
            if anthropic:
                self._anthropic_stream(reply, model)
            else:
                include = bool((body.get("stream_options") or {}).get("include_usage"))
                self._openai_stream(reply, model, include and reply.stream_usage)
        elif anthropic:
            self._send_json(200, _anthropic_message(reply, model), _ids(anthropic=True))
        else:
            self._send_json(200, _openai_completion(reply, model), _ids(anthropic=False))

    def _error(
        self, status: int, message: str, headers: dict[str, str], *, anthropic: bool
    ) -> None:
        if self._is_google:
            self._send_json(status, gemini_wire.error_body(status, message), headers)
            return
        if anthropic:
            kind = {401: "authentication_error", 429: "rate_limit_error"}.get(status, "api_error")
            body: dict[str, Any] = {"type": "error", "error": {"type": kind, "message": message}}
        else:
            body = {"error": {"message": message, "type": "server_error", "param": None}}
        self._send_json(status, body, {**_ids(anthropic=anthropic), **headers})

    def _send_json(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
        self._send_raw(status, json.dumps(body).encode(), "application/json", headers or {})

    def _send_raw(self, status: int, data: bytes, ctype: str, headers: dict[str, str]) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        for k, v in headers.items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    # ---- streams (chunked transfer encoding, so a cut is visible to the client) -------------
    def _start_stream(self, anthropic: bool) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Transfer-Encoding", "chunked")
        for k, v in _ids(anthropic=anthropic).items():
            self.send_header(k, v)
        self.end_headers()

    def _chunk(self, text: str) -> None:
        data = text.encode()
        self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
        self.wfile.flush()

    def _end_stream(self) -> None:
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()

    def _cut(self) -> None:
        self.wfile.flush()
        self.close_connection = True
        self.connection.shutdown(2)

    def _pieces(self, reply: Reply) -> list[str]:
        words = reply.text.split(" ")
        return [w if i == 0 else " " + w for i, w in enumerate(words)]

    def _openai_stream(self, reply: Reply, model: str, include_usage: bool) -> None:
        self._start_stream(anthropic=False)
        cid = f"chatcmpl-{uuid.uuid4().hex[:12]}"

        def chunk(delta: dict[str, Any], finish: str | None) -> str:
            c = {
                "id": cid,
                "object": "chat.completion.chunk",
                "created": int(time.time()),
                "model": model,
                "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
                "usage": None,
            }
            return f"data: {json.dumps(c)}\n\n"

        self._chunk(chunk({"role": "assistant", "content": ""}, None))
        for i, piece in enumerate(self._pieces(reply)):
            if reply.cut_after_chunks is not None and i >= reply.cut_after_chunks:
                self._cut()
                return
            if reply.chunk_delay_s:
                time.sleep(reply.chunk_delay_s)
            self._chunk(chunk({"content": piece}, None))
        self._chunk(chunk({}, "stop"))
        if include_usage:
            usage = {
                "id": cid,
                "object": "chat.completion.chunk",
                "created": int(time.time()),
                "model": model,
                "choices": [],
                "usage": _openai_usage(reply),
            }
            self._chunk(f"data: {json.dumps(usage)}\n\n")
        self._chunk("data: [DONE]\n\n")
        self._end_stream()

    def _anthropic_stream(self, reply: Reply, model: str) -> None:
        self._start_stream(anthropic=True)

        def event(name: str, data: dict[str, Any]) -> None:
            self._chunk(f"event: {name}\ndata: {json.dumps({'type': name, **data})}\n\n")

        usage = _anthropic_usage(reply) if reply.stream_usage else {"input_tokens": 0}
        start_usage = {**usage, "output_tokens": 1 if reply.stream_usage else 0}
        message = {
            "id": f"msg_{uuid.uuid4().hex[:12]}",
            "type": "message",
            "role": "assistant",
            "model": model,
            "content": [],
            "stop_reason": None,
            "stop_sequence": None,
            "usage": start_usage,
        }
        event("message_start", {"message": message})
        event("content_block_start", {"index": 0, "content_block": {"type": "text", "text": ""}})
        event("ping", {})
        for i, piece in enumerate(self._pieces(reply)):
            if reply.cut_after_chunks is not None and i >= reply.cut_after_chunks:
                self._cut()
                return
            if reply.chunk_delay_s:
                time.sleep(reply.chunk_delay_s)
            event(
                "content_block_delta",
                {"index": 0, "delta": {"type": "text_delta", "text": piece}},
            )
        event("content_block_stop", {"index": 0})
        # Counts in message_delta are cumulative: earlier ones carry partial output totals.
        # With a verbatim usage object the deltas repeat its input-side totals, as the API
        # does, but never the cache_creation split (message_start alone carries it).
        total_out = int(usage["output_tokens"]) if reply.usage else reply.output_tokens
        inputs = {k: v for k, v in usage.items() if k in _DELTA_INPUTS} if reply.usage else {}
        for step in range(1, reply.message_deltas + 1):
            out = total_out * step // reply.message_deltas if reply.stream_usage else 0
            event(
                "message_delta",
                {
                    "delta": {"stop_reason": "end_turn", "stop_sequence": None},
                    "usage": {**inputs, "output_tokens": out},
                },
            )
        event("message_stop", {})
        self._end_stream()


def _ids(*, anthropic: bool) -> dict[str, str]:
    rid = f"req_{uuid.uuid4().hex[:16]}"
    return {"request-id": rid} if anthropic else {"x-request-id": rid}


_DELTA_INPUTS = ("input_tokens", "cache_creation_input_tokens", "cache_read_input_tokens")


def _openai_usage(reply: Reply) -> dict[str, Any]:
    if reply.usage is not None:
        return reply.usage
    return {
        "prompt_tokens": reply.input_tokens,
        "completion_tokens": reply.output_tokens,
        "total_tokens": reply.input_tokens + reply.output_tokens,
        "prompt_tokens_details": {
            "cached_tokens": reply.cached_tokens,
            "cache_write_tokens": reply.cache_write_tokens,
        },
        "completion_tokens_details": {"reasoning_tokens": reply.reasoning_tokens},
    }


def _anthropic_usage(reply: Reply) -> dict[str, Any]:
    if reply.usage is not None:
        return reply.usage
    return {
        "input_tokens": reply.input_tokens,
        "output_tokens": reply.output_tokens,
        "cache_creation_input_tokens": reply.cache_write_tokens,
        "cache_read_input_tokens": reply.cached_tokens,
    }


def _openai_completion(reply: Reply, model: str) -> dict[str, Any]:
    return {
        "id": f"chatcmpl-{uuid.uuid4().hex[:12]}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": reply.text, "refusal": None},
                "finish_reason": "stop",
                "logprobs": None,
            }
        ],
        "usage": _openai_usage(reply),
    }


def _anthropic_message(reply: Reply, model: str) -> dict[str, Any]:
    return {
        "id": f"msg_{uuid.uuid4().hex[:12]}",
        "type": "message",
        "role": "assistant",
        "model": model,
        "content": [{"type": "text", "text": reply.text}],
        "stop_reason": "end_turn",
        "stop_sequence": None,
        "usage": _anthropic_usage(reply),
    }


if __name__ == "__main__":
    # Standalone (benchmarks, manual e2e runs): print the port, serve until stdin closes.
    srv = FakeLLMServer().start()
    print(srv.port, flush=True)
    sys.stdin.read()
    srv.stop()
