"""Shared fixtures: a real app per test with its own data dir and SQLite file."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from forge_orchestrator.app import create_app
from forge_orchestrator.settings import Settings

pytest_plugins = ["tests.fakes.fixtures", "tests.e2e.fixtures", "tests.pg_fixtures"]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # Anything that drives the real browser is an e2e test (`-m "not e2e"` skips them all).
    for item in items:
        if "browser" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.e2e)


TOKEN = "test-token-0123456789abcdef0123456789abcdef"
BASE_URL = "http://127.0.0.1:8080"
# TestClient sends Host "testserver" for relative WebSocket URLs; loopback hosts need a full URL.
WS_BASE = "ws://127.0.0.1:8080"


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch) -> None:
    # Tests never see the developer's real keys, endpoints or Forge settings.
    for name in ("OPENAI_API_KEY", "ANTHROPIC_API_KEY", "OPENAI_BASE_URL", "ANTHROPIC_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    import os

    for name in list(os.environ):
        if name.startswith("FORGE_"):
            monkeypatch.delenv(name, raising=False)


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


def make_settings(data_dir: Path, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "data_dir": data_dir,
        "token": TOKEN,
        "keyring": "encrypted",
        "open_browser": False,
    }
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


@pytest.fixture
def settings(data_dir: Path) -> Settings:
    return make_settings(data_dir)


@pytest.fixture
def app(settings: Settings) -> FastAPI:
    return create_app(settings)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    """An authenticated API client; entering it runs the app's lifespan (migrations, services)."""
    with TestClient(app, base_url=BASE_URL, headers={"Authorization": f"Bearer {TOKEN}"}) as c:
        yield c


@pytest.fixture
def anon(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, base_url=BASE_URL) as c:
        yield c


def assert_error_shape(body: object, code: str | None = None) -> None:
    assert isinstance(body, dict) and set(body) == {"error"}, body
    err = body["error"]
    assert set(err) == {"code", "message", "details"}, err
    assert isinstance(err["code"], str) and isinstance(err["message"], str) and err["message"]
    if code is not None:
        assert err["code"] == code, err
