"""Local-only access: token, cookie, Host allowlist, Origin / Sec-Fetch-Site checks, headers."""

from __future__ import annotations

import json
import os
import secrets
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import parse_qsl, urlencode

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .errors import error_body
from .settings import Settings

COOKIE_NAME = "forge_token"
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
PUBLIC_API_PATHS = frozenset({"/api/health"})
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
]


def load_or_create_token(settings: Settings) -> str:
    """The configured token, else the one in <data_dir>/token, created 0600 on first start."""
    if settings.token is not None:
        return settings.token.get_secret_value()
    path = settings.data_dir / "token"
    if path.exists():
        return path.read_text().strip()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    token = secrets.token_urlsafe(32)
    _write_private(path, token)
    return token


def _write_private(path: Path, text: str) -> None:
    # O_EXCL + 0600 at creation: the token is never world-readable, not even briefly.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(text)


def host_name(host_header: str) -> str:
    """'127.0.0.1:8080' -> '127.0.0.1'; '[::1]:80' -> '::1'."""
    host = host_header.strip().lower()
    if host.startswith("["):
        return host[1 : host.find("]")] if "]" in host else host
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def token_matches(candidate: str | None, token: str) -> bool:
    return candidate is not None and secrets.compare_digest(candidate.encode(), token.encode())


class AccessGuard:
    """Decides, per request, whether a caller may reach the app. Pure: no I/O."""

    def __init__(self, settings: Settings, token: str) -> None:
        self.token = token
        self.allow_remote = settings.allow_remote
        self.allowed_hosts = frozenset(h.lower() for h in settings.allowed_hosts) | LOOPBACK_HOSTS
        self.extra_origins = frozenset(o.rstrip("/").lower() for o in settings.allowed_origins)

    def host_ok(self, headers: Headers) -> bool:
        return self.allow_remote or host_name(headers.get("host", "")) in self.allowed_hosts

    def origin_ok(self, scope: Scope, headers: Headers) -> bool:
        """Same-origin (or explicitly allowed) browsers only; non-browser clients send no Origin."""
        fetch_site = headers.get("sec-fetch-site")
        origin = headers.get("origin")
        if origin is not None:
            origin = origin.rstrip("/").lower()
            if origin in self.extra_origins:
                return True
            scheme = "https" if scope.get("scheme") in ("https", "wss") else "http"
            if origin != f"{scheme}://{headers.get('host', '').lower()}":
                return False
        # A page on another loopback port is "same-site", so only same-origin passes.
        return fetch_site is None or fetch_site in ("same-origin", "none") or origin is not None

    def credential(self, headers: Headers, query: str) -> str | None:
        auth = headers.get("authorization", "")
        if auth.lower().startswith("bearer "):
            return auth[7:].strip()
        cookie = SimpleCookie()
        try:
            cookie.load(headers.get("cookie", ""))
        except Exception:  # a malformed Cookie header is just "no cookie"
            return None
        if COOKIE_NAME in cookie:
            return cookie[COOKIE_NAME].value
        return None

    def authenticated(
        self, headers: Headers, query: str = "", allow_query_token: bool = False
    ) -> bool:
        if token_matches(self.credential(headers, query), self.token):
            return True
        if allow_query_token:
            return token_matches(dict(parse_qsl(query)).get("token"), self.token)
        return False


def _cookie_header(token: str) -> bytes:
    return f"{COOKIE_NAME}={token}; HttpOnly; SameSite=Strict; Path=/".encode()


def _strip_token(path: str, query: str) -> str:
    rest = [(k, v) for k, v in parse_qsl(query, keep_blank_values=True) if k != "token"]
    return path + ("?" + urlencode(rest) if rest else "")


class SecurityMiddleware:
    """Pure ASGI middleware in front of everything, HTTP and WebSocket alike."""

    def __init__(self, app: ASGIApp, guard: AccessGuard, max_body_bytes: int) -> None:
        self.app = app
        self.guard = guard
        self.max_body = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            await self._http(scope, receive, send)
        elif scope["type"] == "websocket":
            await self._websocket(scope, receive, send)
        else:
            await self.app(scope, receive, send)

    async def _websocket(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = Headers(scope=scope)
        query = scope.get("query_string", b"").decode("latin-1")
        ok = (
            self.guard.host_ok(headers)
            and self.guard.origin_ok(scope, headers)
            and self.guard.authenticated(headers, query, allow_query_token=True)
        )
        if not ok:
            await _deny_websocket(scope, receive, send)
            return
        await self.app(scope, receive, send)

    async def _http(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = Headers(scope=scope)
        path: str = scope["path"]
        method: str = scope["method"]
        query = scope.get("query_string", b"").decode("latin-1")
        send = _with_security_headers(send)
        if not self.guard.host_ok(headers):
            await _json(send, 403, "forbidden_host", "Host not allowed (DNS rebinding protection).")
            return
        is_api = path == "/api" or path.startswith("/api/")
        if (is_api or method in UNSAFE_METHODS) and not self.guard.origin_ok(scope, headers):
            await _json(send, 403, "forbidden_origin", "Cross-site requests are refused.")
            return
        if is_api and path not in PUBLIC_API_PATHS and not self.guard.authenticated(headers, query):
            await _json(send, 401, "unauthorized", "Missing or invalid access token.")
            return
        if not is_api and method == "GET" and "token=" in query:
            token = dict(parse_qsl(query)).get("token")
            if token_matches(token, self.guard.token):
                await _redirect_with_cookie(send, _strip_token(path, query), self.guard.token)
                return
        length = headers.get("content-length")
        if length is not None and length.isdigit() and int(length) > self.max_body:
            await _json(
                send, 413, "payload_too_large", f"Request body exceeds {self.max_body} bytes."
            )
            return
        if length is None and method in UNSAFE_METHODS:
            # No Content-Length (chunked): read the body here, bounded, and replay it.
            body = await _read_bounded(receive, self.max_body)
            if body is None:
                await _json(
                    send, 413, "payload_too_large", f"Request body exceeds {self.max_body} bytes."
                )
                return
            receive = _replay(body, receive)
        await self.app(scope, receive, send)


async def _deny_websocket(scope: Scope, receive: Receive, send: Send) -> None:
    """Refuse the handshake before accept: an HTTP 403 in the error shape where supported."""
    await receive()  # the websocket.connect message
    if "websocket.http.response" in scope.get("extensions", {}):
        body = json.dumps(
            error_body("forbidden", "WebSocket refused: bad token, Host or Origin.")
        ).encode()
        await send(
            {
                "type": "websocket.http.response.start",
                "status": 403,
                "headers": [(b"content-type", b"application/json")],
            }
        )
        await send({"type": "websocket.http.response.body", "body": body})
    else:
        # Closing before accept makes the server answer the handshake with HTTP 403.
        await send({"type": "websocket.close", "code": 4403})


def _with_security_headers(send: Send) -> Send:
    async def wrapped(message: Message) -> None:
        if message["type"] == "http.response.start":
            present = {k.lower() for k, _ in message.get("headers", [])}
            extra = [(k, v) for k, v in SECURITY_HEADERS if k not in present]
            message = {**message, "headers": [*message.get("headers", []), *extra]}
        await send(message)

    return wrapped


async def _read_bounded(receive: Receive, limit: int) -> bytes | None:
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def wrapped() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()  # later messages: http.disconnect

    return wrapped


async def _json(send: Send, status: int, code: str, message: str) -> None:
    body = json.dumps(error_body(code, message)).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


async def _redirect_with_cookie(send: Send, location: str, token: str) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": 303,
            "headers": [
                (b"location", location.encode()),
                (b"set-cookie", _cookie_header(token)),
                (b"cache-control", b"no-store"),
                (b"content-length", b"0"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": b""})


def describe_url(host: str, port: int, token: str) -> str:
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/?token={token}"
