"""The terminal WebSocket is refused before accept without a token or from a foreign Origin."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from starlette.testclient import WebSocketDenialResponse

from tests.conftest import BASE_URL, TOKEN

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
        bare.cookies.set("forge_token", TOKEN)
        assert _refused(bare, url, {"Origin": "https://evil.example"}) == 403
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
        assert _refused(bare, url, {"Authorization": "Bearer wrong"}) == 403
    assert live_session(app, info["id"]).client is None


def test_client_without_origin_is_accepted_with_a_valid_token(
    client: TestClient, new_session: Callable[..., Any]
) -> None:
    info = new_session()
    with without_auth(client) as bare:
        with bare.websocket_connect(ws_url(info["id"]) + f"?token={TOKEN}") as ws:
            term = Term(ws)
            term.attach_frames()
            term.type("echo token-''ok\r")
            term.read_until("token-ok")


def test_browser_with_cookie_and_same_origin_is_accepted(
    client: TestClient, new_session: Callable[..., Any]
) -> None:
    info = new_session()
    with without_auth(client) as bare:
        bare.cookies.set("forge_token", TOKEN)
        with bare.websocket_connect(ws_url(info["id"]), headers={"Origin": BASE_URL}) as ws:
            ready, _ = Term(ws).attach_frames()
            assert ready["session"]["id"] == info["id"]
        bare.cookies.clear()
