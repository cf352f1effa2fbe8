"""The local-security matrix: token, Host, Origin, headers, WebSocket and token-file checks."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from starlette.testclient import WebSocketDenialResponse
from starlette.websockets import WebSocket

from forge_orchestrator.app import create_app
from forge_orchestrator.auth.host import parse_host
from forge_orchestrator.auth.tokens import load_or_create_token
from tests.conftest import BASE_URL, TOKEN, WS_BASE, assert_error_shape, make_settings
from tests.foundation.login_helpers import SESSION_HEADER, browser_login


def test_no_token_is_401(anon: TestClient) -> None:
    res = anon.get("/api/app/info")
    assert res.status_code == 401
    assert_error_shape(res.json(), "unauthorized")


def test_wrong_token_is_401(anon: TestClient) -> None:
    res = anon.get("/api/app/info", headers={"Authorization": "Bearer nope"})
    assert res.status_code == 401
    anon.cookies.set("forge_session_8080", "nope")
    res = anon.get("/api/app/info", headers={SESSION_HEADER: "nope"})
    assert res.status_code == 401


def test_bearer_is_200(client: TestClient) -> None:
    assert client.get("/api/app/info").status_code == 200


def test_health_needs_no_auth(anon: TestClient) -> None:
    body = anon.get("/api/health").json()
    assert body["status"] == "ok" and body["database"] == "ok" and body["version"]


@pytest.mark.parametrize(
    "host", ["evil.example", "evil.example:8080", "127.0.0.1.nip.io", "192.168.1.5"]
)
def test_foreign_host_is_403(client: TestClient, host: str) -> None:
    res = client.get("/api/app/info", headers={"Host": host})
    assert res.status_code == 403
    assert_error_shape(res.json(), "forbidden_host")
    assert client.get("/", headers={"Host": host}).status_code == 403


@pytest.mark.parametrize(
    "host",
    [
        "[::1]evil.com",
        "127.0.0.1:80@evil.com",
        "localhost:abc",
        "localhost:",
        "127.0.0.1:99999",
        "localhost evil.com",
        "::1",
        "",
    ],
)
def test_malformed_loopback_lookalike_hosts_are_403(client: TestClient, host: str) -> None:
    res = client.get("/api/app/info", headers={"Host": host})
    assert res.status_code == 403, host
    assert_error_shape(res.json(), "forbidden_host")


def test_duplicate_host_headers_are_403(data_dir: Path) -> None:
    app = create_app(make_settings(data_dir))
    with TestClient(app, base_url=BASE_URL) as c:
        transport = c._transport
        import httpx

        request = httpx.Request(
            "GET",
            f"{BASE_URL}/api/app/info",
            headers=[
                ("host", "127.0.0.1:8080"),
                ("host", "evil.example"),
                ("authorization", f"Bearer {TOKEN}"),
            ],
        )
        assert transport.handle_request(request).status_code == 403


def test_parse_host_strictly() -> None:
    assert parse_host("127.0.0.1:8080") == ("127.0.0.1", 8080)
    assert parse_host("[::1]:80") == ("::1", 80)
    assert parse_host("[::1]") == ("::1", None)
    assert parse_host("LocalHost") == ("localhost", None)
    for bad in ("[::1]evil.com", "127.0.0.1:80@evil.com", "localhost:abc", "[::1", "a..b:1:2"):
        assert parse_host(bad) is None, bad


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost:9999", "[::1]:8080", "LOCALHOST"])
def test_loopback_hosts_pass(client: TestClient, host: str) -> None:
    assert client.get("/api/app/info", headers={"Host": host}).status_code == 200


def test_allow_remote_accepts_any_host(data_dir: Path) -> None:
    app = create_app(make_settings(data_dir, allow_remote=True))
    with TestClient(app, base_url=BASE_URL, headers={"Authorization": f"Bearer {TOKEN}"}) as c:
        assert c.get("/api/app/info", headers={"Host": "my-box.lan:8080"}).status_code == 200


def test_allowed_hosts_setting(data_dir: Path) -> None:
    app = create_app(make_settings(data_dir, allowed_hosts=["forge.local"]))
    with TestClient(app, base_url=BASE_URL, headers={"Authorization": f"Bearer {TOKEN}"}) as c:
        assert c.get("/api/app/info", headers={"Host": "forge.local:8080"}).status_code == 200
        assert c.get("/api/app/info", headers={"Host": "other.local"}).status_code == 403


def test_cross_origin_post_is_403_even_with_valid_token(client: TestClient) -> None:
    res = client.post("/api/app/info", headers={"Origin": "https://evil.example"})
    assert res.status_code == 403
    assert_error_shape(res.json(), "forbidden_origin")


@pytest.mark.parametrize(
    "headers",
    [
        {"Sec-Fetch-Site": "cross-site"},
        # Another port on loopback is "same-site" to a browser, but not same-origin.
        {"Sec-Fetch-Site": "same-site"},
        {"Origin": "http://127.0.0.1:9999"},
        {"Origin": "null"},
    ],
)
def test_cross_site_reads_and_writes_are_refused(
    client: TestClient, headers: dict[str, str]
) -> None:
    assert client.get("/api/app/info", headers=headers).status_code == 403
    assert client.put("/api/app/info", headers=headers).status_code == 403


def test_same_origin_browser_request_passes(client: TestClient) -> None:
    headers = {"Origin": BASE_URL, "Sec-Fetch-Site": "same-origin"}
    assert client.get("/api/app/info", headers=headers).status_code == 200


def test_allowed_origins_setting(data_dir: Path) -> None:
    app = create_app(make_settings(data_dir, allowed_origins=["http://localhost:5173"]))
    with TestClient(app, base_url=BASE_URL, headers={"Authorization": f"Bearer {TOKEN}"}) as c:
        ok = c.get("/api/app/info", headers={"Origin": "http://localhost:5173"})
        assert ok.status_code == 200


def test_no_wildcard_cors(client: TestClient) -> None:
    res = client.options(
        "/api/app/info",
        headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"},
    )
    assert "access-control-allow-origin" not in res.headers


def test_security_headers_on_app_and_api(client: TestClient) -> None:
    for path in ("/", "/api/health"):
        h = client.get(path).headers
        assert "frame-ancestors 'none'" in h["content-security-policy"]
        assert "default-src 'self'" in h["content-security-policy"]
        assert h["x-content-type-options"] == "nosniff"
        assert h["referrer-policy"] == "no-referrer"


def _ws_app(data_dir: Path) -> FastAPI:
    app = create_app(make_settings(data_dir))

    @app.websocket("/api/test-ws")
    async def echo(ws: WebSocket) -> None:
        await ws.accept()
        await ws.send_text("hello")
        await ws.close()

    return app


def test_websocket_with_foreign_origin_is_refused_before_accept(data_dir: Path) -> None:
    with TestClient(_ws_app(data_dir), base_url=BASE_URL) as c:
        with pytest.raises(WebSocketDenialResponse) as denied:
            with c.websocket_connect(
                f"{WS_BASE}/api/test-ws",
                headers={"Authorization": f"Bearer {TOKEN}", "Origin": "https://evil.example"},
            ):
                pass
        assert denied.value.status_code == 403


def test_websocket_without_token_is_refused(data_dir: Path) -> None:
    with TestClient(_ws_app(data_dir), base_url=BASE_URL) as c:
        with pytest.raises(WebSocketDenialResponse):
            with c.websocket_connect(f"{WS_BASE}/api/test-ws", headers={"Origin": BASE_URL}):
                pass


def _ws_ticket(c: TestClient, headers: dict[str, str], path: str = "/api/test-ws") -> str:
    res = c.post("/api/sessions/tickets", json={"path": path}, headers=headers)
    assert res.status_code == 201, res.text
    return str(res.json()["ticket"])


def test_websocket_with_session_ticket_and_same_origin_is_accepted_once(data_dir: Path) -> None:
    app = _ws_app(data_dir)
    with TestClient(app, base_url=BASE_URL) as c:
        headers = {SESSION_HEADER: browser_login(c, app)}
        ticket = _ws_ticket(c, headers)
        url = f"{WS_BASE}/api/test-ws?ticket={ticket}"
        with c.websocket_connect(url, headers={"Origin": BASE_URL}) as ws:
            assert ws.receive_text() == "hello"
        with pytest.raises(WebSocketDenialResponse):  # single use
            with c.websocket_connect(url, headers={"Origin": BASE_URL}):
                pass


def test_websocket_session_cookie_alone_is_refused(data_dir: Path) -> None:
    app = _ws_app(data_dir)
    with TestClient(app, base_url=BASE_URL) as c:
        browser_login(c, app)
        with pytest.raises(WebSocketDenialResponse):
            with c.websocket_connect(f"{WS_BASE}/api/test-ws", headers={"Origin": BASE_URL}):
                pass


def test_websocket_foreign_origin_is_refused_before_the_ticket_is_spent(data_dir: Path) -> None:
    app = _ws_app(data_dir)
    with TestClient(app, base_url=BASE_URL) as c:
        ticket = _ws_ticket(c, {SESSION_HEADER: browser_login(c, app)})
        url = f"{WS_BASE}/api/test-ws?ticket={ticket}"
        for origin in ("http://127.0.0.1:9999", "null"):
            with pytest.raises(WebSocketDenialResponse) as denied:
                with c.websocket_connect(url, headers={"Origin": origin}):
                    pass
            assert denied.value.status_code == 403
        with c.websocket_connect(url, headers={"Origin": BASE_URL}) as ws:
            assert ws.receive_text() == "hello"


def test_websocket_without_origin_needs_a_bearer_header(data_dir: Path) -> None:
    with TestClient(_ws_app(data_dir), base_url=BASE_URL) as c:
        bearer = {"Authorization": f"Bearer {TOKEN}"}
        with c.websocket_connect(f"{WS_BASE}/api/test-ws", headers=bearer) as ws:
            assert ws.receive_text() == "hello"
        # The token in the query string is no longer a credential, in any spelling.
        for query in (f"token={TOKEN}", f"tok%65n={TOKEN}"):
            with pytest.raises(WebSocketDenialResponse):
                with c.websocket_connect(f"{WS_BASE}/api/test-ws?{query}"):
                    pass


def test_generated_token_file_is_0600_and_stable(data_dir: Path) -> None:
    settings = make_settings(data_dir, token=None)
    first = load_or_create_token(settings)
    mode = stat.S_IMODE((data_dir / "token").stat().st_mode)
    assert mode == 0o600
    assert len(first) >= 43  # 32 random bytes, url-safe base64
    assert load_or_create_token(settings) == first
