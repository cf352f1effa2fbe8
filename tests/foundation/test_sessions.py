"""Browser sessions: one-time login codes, cookie + header secret, tickets, revoke, rotation."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from forge_orchestrator.app import create_app
from forge_orchestrator.auth.sessions import LOGIN_CODE_TTL_S, TICKET_TTL_S, AuthState
from tests.conftest import BASE_URL, TOKEN, assert_error_shape, make_settings
from tests.foundation.login_helpers import SESSION_HEADER, browser_login

COOKIE = "forge_session_8080"  # BASE_URL's port


def test_login_sets_a_port_named_httponly_strict_cookie_that_is_not_the_token(
    app: FastAPI, anon: TestClient
) -> None:
    code = app.state.guard.auth.new_login_code()
    res = anon.get(f"/login?code={code}", follow_redirects=False)
    assert res.status_code == 303
    assert res.headers["cache-control"] == "no-store"
    cookie = res.headers["set-cookie"]
    assert cookie.startswith(f"{COOKIE}=")
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/" in cookie
    assert TOKEN not in cookie and TOKEN not in res.headers["location"]
    assert res.headers["location"].startswith("/#forge-session=")


def test_the_cookie_alone_is_401_and_cookie_plus_secret_is_200(
    app: FastAPI, anon: TestClient
) -> None:
    secret = browser_login(anon, app)
    res = anon.get("/api/app/info")
    assert res.status_code == 401
    assert_error_shape(res.json(), "unauthorized")
    assert anon.get("/api/app/info", headers={SESSION_HEADER: "wrong"}).status_code == 401
    assert anon.get("/api/app/info", headers={SESSION_HEADER: secret}).status_code == 200
    # The secret without the cookie is nothing either.
    anon.cookies.clear()
    assert anon.get("/api/app/info", headers={SESSION_HEADER: secret}).status_code == 401


def test_login_code_is_single_use(app: FastAPI, anon: TestClient) -> None:
    code = app.state.guard.auth.new_login_code()
    assert anon.get(f"/login?code={code}", follow_redirects=False).status_code == 303
    again = anon.get(f"/login?code={code}", follow_redirects=False)
    assert again.status_code == 401 and "set-cookie" not in again.headers
    assert "forge-orchestrator login" in again.text


def test_wrong_or_missing_code_sets_nothing(anon: TestClient) -> None:
    for url in ("/login?code=wrong", "/login", f"/login?token={TOKEN}", f"/?token={TOKEN}"):
        res = anon.get(url, follow_redirects=False)
        assert "set-cookie" not in res.headers, url


def test_login_code_expires() -> None:
    clock = [1000.0]
    state = AuthState(clock=lambda: clock[0])
    code = state.new_login_code()
    clock[0] += LOGIN_CODE_TTL_S + 1
    assert state.redeem_login_code(code, "ua") is None
    fresh = state.new_login_code()
    clock[0] += LOGIN_CODE_TTL_S - 1
    assert state.redeem_login_code(fresh, "ua") is not None


def test_the_api_token_never_becomes_a_cookie(anon: TestClient) -> None:
    anon.cookies.set("forge_token", TOKEN)
    anon.cookies.set(COOKIE, TOKEN)
    assert anon.get("/api/app/info").status_code == 401


def test_sessions_list_and_revoke(app: FastAPI, anon: TestClient, client: TestClient) -> None:
    secret = browser_login(anon, app)
    headers = {SESSION_HEADER: secret, "User-Agent": "pytest-browser"}
    listed = anon.get("/api/sessions", headers=headers).json()
    assert len(listed) == 1
    me = listed[0]
    assert me["current"] is True and me["user_agent"]
    assert set(me) == {"id", "created_at", "last_seen_at", "user_agent", "current"}
    assert secret not in str(listed)
    # A script (Bearer) sees it too, not as its own.
    assert client.get("/api/sessions").json()[0]["current"] is False
    assert client.delete(f"/api/sessions/{me['id']}").status_code == 204
    assert anon.get("/api/app/info", headers=headers).status_code == 401
    missing = client.delete(f"/api/sessions/{me['id']}")
    assert missing.status_code == 404
    assert_error_shape(missing.json(), "not_found")


def test_rotating_the_token_ends_every_session(data_dir: Path) -> None:
    app = create_app(make_settings(data_dir, token=None))
    old = (data_dir / "token").read_text()
    with TestClient(app, base_url=BASE_URL) as browser, TestClient(app, base_url=BASE_URL) as cli:
        secret = browser_login(browser, app)
        assert browser.get("/api/app/info", headers={SESSION_HEADER: secret}).status_code == 200
        res = cli.post("/api/token/rotate", headers={"Authorization": f"Bearer {old}"})
        assert res.status_code == 200, res.text
        new = res.json()["token"]
        assert res.json()["sessions_ended"] == 1
        assert new != old and (data_dir / "token").read_text() == new
        assert oct((data_dir / "token").stat().st_mode & 0o777) == "0o600"
        assert browser.get("/api/app/info", headers={SESSION_HEADER: secret}).status_code == 401
        bearer = {"Authorization": f"Bearer {old}"}
        assert cli.get("/api/app/info", headers=bearer).status_code == 401
        bearer = {"Authorization": f"Bearer {new}"}
        assert cli.get("/api/app/info", headers=bearer).status_code == 200


def test_rotation_is_refused_when_the_token_comes_from_the_environment(client: TestClient) -> None:
    res = client.post("/api/token/rotate")
    assert res.status_code == 409
    assert_error_shape(res.json(), "token_from_environment")
    assert client.get("/api/app/info").status_code == 200


def test_login_code_endpoint_gives_a_working_link(client: TestClient, anon: TestClient) -> None:
    body = client.post("/api/sessions/login-codes").json()
    assert body["url"].startswith("http://127.0.0.1:8080/login?code=")
    assert anon.get(body["url"], follow_redirects=False).status_code == 303


def _ticket(c: TestClient, path: str, headers: dict[str, str]) -> str:
    res = c.post("/api/sessions/tickets", json={"path": path}, headers=headers)
    assert res.status_code == 201, res.text
    assert res.json()["param"] == "ticket"
    return str(res.json()["ticket"])


def test_event_stream_ticket_is_single_use_path_bound_and_needs_the_cookie(
    app: FastAPI, anon: TestClient
) -> None:
    headers = {SESSION_HEADER: browser_login(anon, app)}
    path = "/api/app/info"  # any GET stands in for an event stream here
    ticket = _ticket(anon, path, headers)
    assert anon.get(f"{path}?ticket={ticket}").status_code == 200
    assert anon.get(f"{path}?ticket={ticket}").status_code == 401  # spent
    other = _ticket(anon, path, headers)
    # Only the one documented spelling is read: ?tick%65t= is not a credential (nor spent).
    assert anon.get(f"{path}?tick%65t={other}").status_code == 401
    assert anon.get(f"{path}?ticket={other}").status_code == 200
    wrong_path = _ticket(anon, "/api/sessions", headers)
    assert anon.get(f"{path}?ticket={wrong_path}").status_code == 401
    # A browser's ticket is bound to its session: without the cookie it does nothing.
    third = _ticket(anon, path, headers)
    anon.cookies.clear()
    assert anon.get(f"{path}?ticket={third}").status_code == 401


def test_ticket_expires() -> None:
    clock = [50.0]
    state = AuthState(clock=lambda: clock[0])
    ticket = state.new_ticket("/api/x", None)
    clock[0] += TICKET_TTL_S + 0.1
    assert state.redeem_ticket(ticket, "/api/x", []) is False
    ticket = state.new_ticket("/api/x", None)
    assert state.redeem_ticket(ticket, "/api/x", []) is True


def test_ticket_request_needs_credentials_and_an_api_path(
    anon: TestClient, client: TestClient
) -> None:
    assert anon.post("/api/sessions/tickets", json={"path": "/api/x/ws"}).status_code == 401
    res = client.post("/api/sessions/tickets", json={"path": "/login?code=x"})
    assert res.status_code == 422
    assert_error_shape(res.json(), "validation_failed")


@pytest.mark.parametrize(
    "junk",
    [
        "junk_no_equals",
        'json={"a": 1, "b": [2]}',
        "a=x y",
        'quoted="unterminated',
        "=novalue",
        "\x7f=bad",
    ],
)
def test_a_malformed_cookie_from_another_app_does_not_lock_the_user_out(
    app: FastAPI, anon: TestClient, junk: str
) -> None:
    secret = browser_login(anon, app)
    value = anon.cookies[COOKIE]
    anon.cookies.clear()
    header = f"other=1; {junk}; {COOKIE}={value}; tail=2"
    res = anon.get("/api/app/info", headers={"Cookie": header, SESSION_HEADER: secret})
    assert res.status_code == 200, res.text


def test_a_planted_same_name_cookie_does_not_hide_the_real_one(
    app: FastAPI, anon: TestClient
) -> None:
    secret = browser_login(anon, app)
    value = anon.cookies[COOKIE]
    anon.cookies.clear()
    header = f"{COOKIE}=planted-by-another-port; {COOKIE}={value}"
    res = anon.get("/api/app/info", headers={"Cookie": header, SESSION_HEADER: secret})
    assert res.status_code == 200


def test_a_real_event_stream_opens_with_a_ticket_and_not_with_the_cookie(
    app: FastAPI, anon: TestClient, client: TestClient, tmp_path: Path
) -> None:
    body = {"command": "echo streamed-ok", "cwd": str(tmp_path), "confirm": True}
    res = client.post("/api/commands/run", json=body)
    assert res.status_code == 201, res.text
    path = f"/api/commands/runs/{res.json()['run']['id']}/events"
    headers = {SESSION_HEADER: browser_login(anon, app)}
    assert anon.get(path).status_code == 401  # EventSource sends the cookie, nothing else
    ticket = _ticket(anon, path, headers)
    with anon.stream("GET", f"{path}?ticket={ticket}") as stream:
        assert stream.status_code == 200
        text = "".join(stream.iter_text())
    assert "streamed-ok" in text
