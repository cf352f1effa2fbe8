"""Local-only access: Host allowlist, Origin / Sec-Fetch-Site checks, who is calling, headers."""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .auth.cookies import cookie_values
from .auth.host import single_host
from .auth.sessions import AuthState
from .errors import error_body
from .settings import Settings

SESSION_COOKIE_PREFIX = "forge_session_"
SESSION_HEADER = "x-forge-session"
TICKET_PARAM = "ticket"
LOGIN_PATH = "/login"
LOGIN_PARAM = "code"
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


def token_matches(candidate: str | None, token: str) -> bool:
    return candidate is not None and secrets.compare_digest(candidate.encode(), token.encode())


def raw_query_param(query: str, name: str) -> str | None:
    """The value of exactly `name=` in the raw query: no percent-decoding of the key, so
    `?tick%65t=` is not a second spelling of the credential (one documented form only)."""
    for part in query.split("&"):
        key, sep, value = part.partition("=")
        if sep and key == name:
            return value
    return None


def session_cookie_name(scope: Scope) -> str:
    """`forge_session_<port>`: browsers share cookies across ports, so two Forge servers on one
    host would otherwise overwrite each other's session."""
    server = scope.get("server")
    port = server[1] if server and server[1] is not None else 0
    return f"{SESSION_COOKIE_PREFIX}{port}"


@dataclass(frozen=True)
class Caller:
    """Who passed the checks: an API-token client or one browser session."""

    kind: str  # "token" | "session" | "ticket"
    session_id: str | None = None


class AccessGuard:
    """Decides, per request, whether a caller may reach the app. No I/O: in-memory lookups."""

    def __init__(self, settings: Settings, token: str, auth: AuthState | None = None) -> None:
        self.token = token  # replaced in place when the token is rotated
        self.auth = auth if auth is not None else AuthState()
        self.allow_remote = settings.allow_remote
        self.allowed_hosts = frozenset(h.lower() for h in settings.allowed_hosts) | LOOPBACK_HOSTS
        self.extra_origins = frozenset(o.rstrip("/").lower() for o in settings.allowed_origins)

    def host_ok(self, headers: Headers) -> bool:
        if self.allow_remote:
            return True
        host = single_host(headers)
        return host is not None and host in self.allowed_hosts

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

    def bearer_ok(self, headers: Headers) -> bool:
        auth = headers.get("authorization", "")
        return auth[:7].lower() == "bearer " and token_matches(auth[7:].strip(), self.token)

    def caller(self, scope: Scope, headers: Headers, query: str) -> Caller | None:
        """Bearer token; or session cookie + X-Forge-Session secret; or (GET and WebSocket
        only) a single-use ticket for this exact path. A cookie on its own is never enough."""
        if self.bearer_ok(headers):
            return Caller("token")
        cookies = cookie_values(headers.get("cookie", ""), session_cookie_name(scope))
        session = self.auth.session_for(cookies, headers.get(SESSION_HEADER))
        if session is not None:
            return Caller("session", session.id)
        ticket = raw_query_param(query, TICKET_PARAM)
        get_like = scope["type"] == "websocket" or scope.get("method") == "GET"
        if ticket and get_like and self.auth.redeem_ticket(ticket, scope["path"], cookies):
            return Caller("ticket")
        return None


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
        # Host and Origin first: a foreign page must not even spend a ticket.
        ok = self.guard.host_ok(headers) and self.guard.origin_ok(scope, headers)
        caller = self.guard.caller(scope, headers, query) if ok else None
        if caller is None:
            await _deny_websocket(scope, receive, send)
            return
        scope.setdefault("state", {})["caller"] = caller
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
        if path == LOGIN_PATH and method == "GET":
            await self._login(scope, headers, query, send)
            return
        if is_api and path not in PUBLIC_API_PATHS:
            caller = self.guard.caller(scope, headers, query)
            if caller is None:
                await _json(send, 401, "unauthorized", "Missing or invalid credentials.")
                return
            scope.setdefault("state", {})["caller"] = caller
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

    async def _login(self, scope: Scope, headers: Headers, query: str, send: Send) -> None:
        """Spend a one-time code: set the HttpOnly session cookie and hand the header secret
        to the page in the URL fragment, which never leaves the browser and which only this
        origin's script reads (and then moves into origin-scoped localStorage)."""
        code = raw_query_param(query, LOGIN_PARAM)
        user_agent = headers.get("user-agent", "")
        new = self.guard.auth.redeem_login_code(code, user_agent) if code else None
        if new is None:
            await _send_simple(
                send, 401, [(b"content-type", b"text/html; charset=utf-8")], LOGIN_FAILED_HTML
            )
            return
        cookie = (
            f"{session_cookie_name(scope)}={new.cookie_value}; HttpOnly; SameSite=Strict; Path=/"
        )
        location = f"/#forge-session={new.secret}"
        await _send_simple(
            send, 303, [(b"location", location.encode()), (b"set-cookie", cookie.encode())]
        )


async def _deny_websocket(scope: Scope, receive: Receive, send: Send) -> None:
    """Refuse the handshake before accept: an HTTP 403 in the error shape where supported."""
    await receive()  # the websocket.connect message
    if "websocket.http.response" in scope.get("extensions", {}):
        body = json.dumps(
            error_body(
                "forbidden", "WebSocket refused: missing or spent ticket, bad Host or Origin."
            )
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


async def _send_simple(
    send: Send, status: int, headers: list[tuple[bytes, bytes]], body: bytes = b""
) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                *headers,
                (b"cache-control", b"no-store"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


LOGIN_FAILED_HTML = b"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Forge Orchestrator: login link not valid</title></head><body>
<h1>This login link is not valid</h1>
<p>Login links work once and expire after a few minutes. Get a fresh one by running
<code>forge-orchestrator login</code> in a terminal (or restart <code>forge-orchestrator
serve</code>, which prints one).</p></body></html>"""


def describe_url(host: str, port: int, code: str) -> str:
    """The one-time login link `serve` and `forge-orchestrator login` print."""
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}{LOGIN_PATH}?{LOGIN_PARAM}={code}"
