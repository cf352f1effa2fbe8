"""Signing a TestClient in the way a browser does: one-time code, session cookie, header secret."""

from __future__ import annotations

from urllib.parse import urlsplit

from fastapi import FastAPI
from fastapi.testclient import TestClient

SESSION_HEADER = "X-Forge-Session"


def browser_login(client: TestClient, app: FastAPI) -> str:
    """Redeem a fresh login code; the client keeps the cookie; returns the header secret."""
    code = app.state.guard.auth.new_login_code()
    res = client.get(f"/login?code={code}", follow_redirects=False)
    assert res.status_code == 303, res.text
    fragment = urlsplit(res.headers["location"]).fragment
    assert fragment.startswith("forge-session=")
    return fragment.removeprefix("forge-session=")
