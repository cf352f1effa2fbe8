"""The terminal WebSocket is refused before accept without a ticket or token, or from a foreign
Origin; a browser opens it with a single-use ticket."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from starlette.testclient import WebSocketDenialResponse

from tests.conftest import BASE_URL, TOKEN
from tests.foundation.login_helpers import SESSION_HEADER, browser_login

from .conftest import Term, live_session, ws_url


@contextmanager
def without_auth(client: TestClient) -> Iterator[TestClient]:
    """The running app's client with its default Authorization header taken away."""
    auth = client.headers.pop("authorization")
    try:
        yield client
    finally:
        client.headers["authorization"] = auth


def _refused(c: TestClient, url: str, headers: dict[str, str]) -> int:
    with pytest.raises(WebSocketDenialResponse) as denied:
        with c.websocket_connect(url, headers=headers):
            pass
    return denied.value.status_code


def test_foreign_origin_is_refused_before_accept(
    app: FastAPI, client: TestClient, new_session: Callable[..., Any]
) -> None:
    info = new_session()
    url = ws_url(info["id"])
    with without_auth(client) as bare:
        headers = {"Authorization": f"Bearer {TOKEN}", "Origin": "https://evil.example"}
        assert _refused(bare, url, headers) == 403
        # A page on another loopback port is another origin too.
        headers["Origin"] = "http://127.0.0.1:9999"
        assert _refused(bare, url, headers) == 403
        ticket = _ticket(bare, {SESSION_HEADER: browser_login(bare, app)}, info["id"])
        assert _refused(bare, f"{url}?ticket={ticket}", {"Origin": "https://evil.example"}) == 403
        bare.cookies.clear()
    # Refused before accept: the endpoint never ran, so nothing ever attached.
    assert live_session(app, info["id"]).client is None
    assert live_session(app, info["id"]).detached_since is not None


def test_missing_or_wrong_token_is_refused(
    app: FastAPI, client: TestClient, new_session: Callable[..., Any]
) -> None:
    info = new_session()
    url = ws_url(info["id"])
    with without_auth(client) as bare:
        assert _refused(bare, url, {"Origin": BASE_URL}) == 403
        assert _refused(bare, url, {}) == 403
        assert _refused(bare, url + "?token=wrong", {}) == 403
        assert _refused(bare, url + f"?token={TOKEN}", {}) == 403  # not a credential any more
        assert _refused(bare, url + "?ticket=wrong", {}) == 403
        assert _refused(bare, url, {"Authorization": "Bearer wrong"}) == 403
    assert live_session(app, info["id"]).client is None


def test_client_without_origin_is_accepted_with_a_valid_token(
    client: TestClient, new_session: Callable[..., Any]
) -> None:
    info = new_session()
    with without_auth(client) as bare:
        bearer = {"Authorization": f"Bearer {TOKEN}"}
        with bare.websocket_connect(ws_url(info["id"]), headers=bearer) as ws:
            term = Term(ws)
            term.attach_frames()
            term.type("echo token-''ok\r")
            term.read_until("token-ok")


def _ticket(c: TestClient, headers: dict[str, str], session_id: str) -> str:
    path = f"/api/terminal/sessions/{session_id}/ws"
    res = c.post("/api/sessions/tickets", json={"path": path}, headers=headers)
    assert res.status_code == 201, res.text
    return str(res.json()["ticket"])


def test_browser_with_ticket_and_same_origin_is_accepted_once(
    app: FastAPI, client: TestClient, new_session: Callable[..., Any]
) -> None:
    info, other = new_session(), new_session()
    with without_auth(client) as bare:
        headers = {SESSION_HEADER: browser_login(bare, app)}
        # The session cookie alone opens nothing.
        assert _refused(bare, ws_url(info["id"]), {"Origin": BASE_URL}) == 403
        url = f"{ws_url(info['id'])}?ticket={_ticket(bare, headers, info['id'])}"
        with bare.websocket_connect(url, headers={"Origin": BASE_URL}) as ws:
            ready, _ = Term(ws).attach_frames()
            assert ready["session"]["id"] == info["id"]
        assert _refused(bare, url, {"Origin": BASE_URL}) == 403  # spent
        # A ticket for another session's socket does not open this one.
        wrong = f"{ws_url(info['id'])}?ticket={_ticket(bare, headers, other['id'])}"
        assert _refused(bare, wrong, {"Origin": BASE_URL}) == 403
        bare.cookies.clear()
