"""One master key for a team: Forge processes with their own data dirs on one database share
the key through FORGE_MASTER_KEY_FILE, and one without it is refused instead of making a second.

Before: B, with its own data dir, silently created a second master key; afterwards each process
read only its own secrets and `keys rotate-master` on A refused.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from forge_orchestrator.app import create_app
from forge_orchestrator.keyring.rotate import rotate_master
from forge_orchestrator.keyring.store import SecretStore
from tests.conftest import BASE_URL, TOKEN, assert_error_shape, make_settings

from .conftest import OTHER_SECRET, SECRET

AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'shared.db'}"
    pg_engine: Engine = request.getfixturevalue("pg_engine")
    return pg_engine.url.render_as_string(hide_password=False)


def forge(data_dir: Path, database_url: str, **settings: object) -> TestClient:
    app = create_app(make_settings(data_dir, database_url=database_url, **settings))
    return TestClient(app, base_url=BASE_URL, headers=AUTH)


def store_of(client: TestClient) -> SecretStore:
    store: SecretStore = client.app.state.secrets  # type: ignore[attr-defined]
    return store


@pytest.fixture
def a_and_b(tmp_path: Path, database_url: str) -> Iterator[tuple[TestClient, Path]]:
    """Forge A, which has stored a secret (so the database has A's key), and B's data dir."""
    with forge(tmp_path / "a", database_url) as a:
        assert a.put("/api/keys/openai", json={"value": SECRET}).status_code == 200
        yield a, tmp_path / "b"


def test_a_forge_without_the_team_key_is_refused_instead_of_making_a_second_one(
    a_and_b: tuple[TestClient, Path], database_url: str
) -> None:
    a, b_dir = a_and_b
    with forge(b_dir, database_url) as b:
        res = b.put("/api/keys/anthropic", json={"value": OTHER_SECRET})
        assert res.status_code == 500
        assert_error_shape(res.json(), "master_key_mismatch")
        message = res.json()["error"]["message"]
        assert "FORGE_MASTER_KEY_FILE" in message and "will not create a second" in message
        assert not (b_dir / "master.key").exists()  # no second key
        listed = {k["name"]: k for k in b.get("/api/keys").json()}
        assert "FORGE_MASTER_KEY_FILE" in (listed["openai"]["problem"] or "")
    # A is untouched: it still reads its secret and can rotate.
    assert store_of(a).get("openai") == SECRET
    backend = store_of(a).backend
    assert rotate_master(backend.engine, backend.holder) == 1  # type: ignore[attr-defined]


def test_a_forge_with_its_own_other_key_is_refused_by_the_key_check(
    a_and_b: tuple[TestClient, Path], database_url: str, tmp_path: Path
) -> None:
    a, b_dir = a_and_b
    # B once ran alone and made its own key.
    with forge(tmp_path / "alone", f"sqlite:///{tmp_path / 'alone.db'}") as alone:
        store_of(alone).set("x", "y")
    own = tmp_path / "alone" / "master.key"
    with forge(b_dir, database_url, master_key_file=own) as b:
        res = b.put("/api/keys/anthropic", json={"value": OTHER_SECRET})
        assert res.status_code == 500
        assert_error_shape(res.json(), "master_key_mismatch")
        assert f"The master key at {own} is not the one" in res.json()["error"]["message"]
        with pytest.raises(Exception, match="FORGE_MASTER_KEY_FILE"):
            store_of(b).get("openai")
    assert store_of(a).get("openai") == SECRET


def test_forges_sharing_the_key_file_read_each_other_s_secrets_and_rotation(
    a_and_b: tuple[TestClient, Path], database_url: str, tmp_path: Path
) -> None:
    a, b_dir = a_and_b
    team_key = tmp_path / "a" / "master.key"  # as copied to B's machine, or on a shared disk
    with forge(b_dir, database_url, master_key_file=team_key) as b:
        assert b.put("/api/keys/anthropic", json={"value": OTHER_SECRET}).status_code == 200
        assert store_of(b).backend.read("openai") == SECRET
        assert store_of(a).backend.read("anthropic") == OTHER_SECRET
        backend = store_of(a).backend
        assert rotate_master(backend.engine, backend.holder) == 2  # type: ignore[attr-defined]
        # B re-reads the rotated key from the shared file (the backend: no 2 s memory).
        assert store_of(b).backend.read("anthropic") == OTHER_SECRET
        assert b.put("/api/keys/anthropic", json={"value": SECRET}).status_code == 200
    assert store_of(a).backend.read("anthropic") == SECRET
