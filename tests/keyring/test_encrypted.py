"""The encrypted-table path with no OS keyring: ciphertext on disk, clear errors on damage."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from forge_orchestrator.app import create_app
from forge_orchestrator.db.engine import write_tx
from forge_orchestrator.db.tables.secrets import user_secrets
from forge_orchestrator.keyring.master_key import encode_key, new_key
from forge_orchestrator.keyring.store import SecretStore
from forge_orchestrator.settings import Settings
from tests.conftest import BASE_URL, TOKEN, assert_error_shape

from .conftest import OTHER_SECRET, SECRET, db_bytes

AUTH = {"Authorization": f"Bearer {TOKEN}"}


def store_of(client: TestClient) -> SecretStore:
    store: SecretStore = client.app.state.secrets  # type: ignore[attr-defined]
    return store


def test_values_never_reach_disk_in_plaintext(client: TestClient, data_dir: Path) -> None:
    assert client.put("/api/keys/openai", json={"value": SECRET}).status_code == 200
    on_disk = db_bytes(data_dir)
    assert (data_dir / "forge.db-wal").exists()  # the WAL is part of what gets checked
    assert SECRET.encode() not in on_disk
    assert SECRET[-12:].encode() not in on_disk
    assert b"user_secrets" in on_disk  # we are reading the right database

    assert client.put("/api/keys/openai", json={"value": OTHER_SECRET}).status_code == 200
    on_disk = db_bytes(data_dir)
    assert OTHER_SECRET.encode() not in on_disk and SECRET.encode() not in on_disk
    assert store_of(client).get("openai") == OTHER_SECRET


def test_each_value_gets_its_own_nonce_and_format_version(client: TestClient) -> None:
    store = store_of(client)
    store.set("a", SECRET)
    store.set("b", SECRET)
    with client.app.state.engine.connect() as conn:  # type: ignore[attr-defined]
        rows = conn.execute(select(user_secrets.c.key_name, user_secrets.c.encrypted_value))
        blobs = {r.key_name: bytes(r.encrypted_value) for r in rows}
    assert blobs["a"][:2] == b"v1" and blobs["b"][:2] == b"v1"
    assert blobs["a"] != blobs["b"]  # same value, different nonce
    assert blobs["a"][2:14] != blobs["b"][2:14]


def test_swapped_rows_do_not_decrypt_because_the_name_is_bound(client: TestClient) -> None:
    store = store_of(client)
    store.set("openai", SECRET)
    store.set("anthropic", OTHER_SECRET)
    engine = client.app.state.engine  # type: ignore[attr-defined]
    with write_tx(engine) as conn:
        blob = conn.execute(
            select(user_secrets.c.encrypted_value).where(user_secrets.c.key_name == "anthropic")
        ).scalar_one()
        conn.execute(
            update(user_secrets)
            .where(user_secrets.c.key_name == "openai")
            .values(encrypted_value=blob)
        )
    body = client.get("/api/keys").json()
    openai = next(r for r in body if r["name"] == "openai")
    assert openai["configured"] is True and openai["masked"] is None
    assert "cannot be decrypted" in openai["problem"]


def test_tampered_ciphertext_is_a_clear_error(client: TestClient) -> None:
    store = store_of(client)
    store.set("openai", SECRET)
    engine = client.app.state.engine  # type: ignore[attr-defined]
    with write_tx(engine) as conn:
        blob = bytearray(conn.execute(select(user_secrets.c.encrypted_value)).scalar_one())
        blob[-1] ^= 0x01
        conn.execute(update(user_secrets).values(encrypted_value=bytes(blob)))
    with pytest.raises(Exception) as info:
        store.get("openai")
    assert getattr(info.value, "code", None) == "secret_unreadable"
    assert "modified" in str(info.value)
    # The listing still answers and says what is wrong, instead of failing as a whole.
    res = client.get("/api/keys")
    assert res.status_code == 200
    row = next(r for r in res.json() if r["name"] == "openai")
    assert row["problem"] and "openai" in row["problem"]
    # Setting it again repairs it.
    assert client.put("/api/keys/openai", json={"value": SECRET}).status_code == 200
    assert store.get("openai") == SECRET


def restarted(settings: Settings) -> TestClient:
    """A new app on the same data dir, as after restarting the server."""
    return TestClient(create_app(settings), base_url=BASE_URL, headers=AUTH)


def test_wrong_master_key_is_a_clear_error_not_a_crash(settings: Settings, data_dir: Path) -> None:
    with restarted(settings) as client:
        client.put("/api/keys/openai", json={"value": SECRET})
    (data_dir / "master.key").write_text(encode_key(new_key()) + "\n")
    with restarted(settings) as client:
        res = client.post("/api/keys/openai/test")
        assert res.status_code == 500
        # The database's key check names the problem before any value is tried.
        assert_error_shape(res.json(), "master_key_mismatch")
        assert (
            "is not the one this database's secrets were encrypted with"
            in (res.json()["error"]["message"])
        )
        row = next(r for r in client.get("/api/keys").json() if r["name"] == "openai")
        assert row["configured"] is True and row["masked"] is None and row["problem"]
        assert client.get("/api/health").status_code == 200  # the app keeps running


def test_truncated_or_foreign_blob_is_a_clear_error(client: TestClient) -> None:
    store = store_of(client)
    store.set("openai", SECRET)
    engine = client.app.state.engine  # type: ignore[attr-defined]
    with write_tx(engine) as conn:
        conn.execute(update(user_secrets).values(encrypted_value=b"v9garbage"))
    with pytest.raises(Exception) as info:
        store.get("openai")
    assert getattr(info.value, "code", None) == "secret_unreadable"


def test_damaged_key_file_is_a_clear_error(settings: Settings, data_dir: Path) -> None:
    with restarted(settings) as client:
        client.put("/api/keys/openai", json={"value": SECRET})
    (data_dir / "master.key").write_text("not a key\n")
    with restarted(settings) as client:
        res = client.post("/api/keys/openai/test")
        assert_error_shape(res.json(), "master_key_damaged")
        assert str(data_dir / "master.key") in res.json()["error"]["message"]


def test_key_file_is_created_0600(client: TestClient, data_dir: Path) -> None:
    assert not (data_dir / "master.key").exists()  # nothing is created before it is needed
    client.put("/api/keys/openai", json={"value": SECRET})
    mode = stat.S_IMODE((data_dir / "master.key").stat().st_mode)
    assert mode == 0o600
    assert not [p for p in data_dir.iterdir() if p.name.endswith(".tmp")]


def test_wider_key_file_mode_is_refused(client: TestClient, data_dir: Path) -> None:
    store = store_of(client)
    store.set("openai", SECRET)
    os.chmod(data_dir / "master.key", 0o644)
    res = client.put("/api/keys/anthropic", json={"value": OTHER_SECRET})
    assert_error_shape(res.json(), "key_file_insecure")
    message = res.json()["error"]["message"]
    assert "0644" in message and "chmod 600" in message
    status = client.get("/api/keys/storage").json()
    assert status["problem"] and "chmod 600" in status["problem"]
    os.chmod(data_dir / "master.key", 0o600)
    assert client.put("/api/keys/anthropic", json={"value": OTHER_SECRET}).status_code == 200
    assert store.get("openai") == SECRET


def test_storage_reports_what_is_actually_used(client: TestClient, data_dir: Path) -> None:
    status = client.get("/api/keys/storage").json()
    assert status["storage"] == "encrypted-db"
    assert status["cipher"] == "AES-256-GCM"
    assert status["master_key"] == "file"
    assert status["master_key_location"] == str(data_dir / "master.key")
    assert status["master_key_exists"] is False
    assert "FORGE_KEYRING=encrypted" in status["reason"]
    client.put("/api/keys/openai", json={"value": SECRET})
    assert client.get("/api/keys/storage").json()["master_key_exists"] is True
