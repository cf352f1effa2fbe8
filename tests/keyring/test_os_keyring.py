"""The OS-keyring path through an in-process backend, and refusal of insecure backends."""

from __future__ import annotations

from pathlib import Path

import keyring
import pytest
from fastapi.testclient import TestClient
from keyring.backends import fail, null
from keyring.backends.chainer import ChainerBackend

from forge_orchestrator.app import create_app
from forge_orchestrator.keyring.os_backend import SERVICE, choose_backend, is_secure
from tests.conftest import BASE_URL, TOKEN, make_settings

from .conftest import SECRET, MemoryKeyring, PlaintextFileKeyring, db_bytes

AUTH = {"Authorization": f"Bearer {TOKEN}"}


def client_for(data_dir: Path, mode: str) -> TestClient:
    app = create_app(make_settings(data_dir, keyring=mode))
    return TestClient(app, base_url=BASE_URL, headers=AUTH)


def test_secure_backend_stores_values_under_the_service_name(
    memory_keyring: MemoryKeyring, data_dir: Path
) -> None:
    with client_for(data_dir, "auto") as client:
        assert client.get("/api/keys/storage").json()["storage"] == "os-keyring"
        row = client.put("/api/keys/openai", json={"value": SECRET}).json()
        assert row["storage"] == "os-keyring" and row["masked"] == "••••" + SECRET[-4:]
        assert memory_keyring.entries[(SERVICE, "openai")] == SECRET
        listed = {r["name"]: r for r in client.get("/api/keys").json()}
        assert listed["openai"]["configured"] is True
        assert client.app.state.secrets.get("openai") == SECRET  # type: ignore[attr-defined]
        # Only the name is indexed in the database; no value, no encrypted copy, no key file.
        assert SECRET.encode() not in db_bytes(data_dir)
        assert not (data_dir / "master.key").exists()

        assert client.delete("/api/keys/openai").status_code == 204
        assert (SERVICE, "openai") not in memory_keyring.entries
        assert client.app.state.secrets.get("openai") is None  # type: ignore[attr-defined]


def test_names_stored_by_another_install_are_not_used(
    memory_keyring: MemoryKeyring, data_dir: Path
) -> None:
    memory_keyring.entries[(SERVICE, "anthropic")] = SECRET
    with client_for(data_dir, "auto") as client:
        assert client.app.state.secrets.get("anthropic") is None  # type: ignore[attr-defined]
        row = next(r for r in client.get("/api/keys").json() if r["name"] == "anthropic")
        assert row["configured"] is False


def test_forced_encrypted_keeps_the_master_key_in_the_os_keyring(
    memory_keyring: MemoryKeyring, data_dir: Path
) -> None:
    with client_for(data_dir, "encrypted") as client:
        client.put("/api/keys/openai", json={"value": SECRET})
        status = client.get("/api/keys/storage").json()
        assert status["storage"] == "encrypted-db" and status["master_key"] == "os-keyring"
        assert (SERVICE, "openai") not in memory_keyring.entries
        assert any(user.startswith("master-key:") for _, user in memory_keyring.entries)
        assert not (data_dir / "master.key").exists()
    with client_for(data_dir, "encrypted") as client:
        assert client.app.state.secrets.get("openai") == SECRET  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "backend",
    [fail.Keyring(), null.Keyring(), PlaintextFileKeyring()],  # type: ignore[no-untyped-call]
    ids=["fail", "null", "plaintext"],
)
def test_insecure_backends_are_refused(backend: keyring.backend.KeyringBackend) -> None:
    assert not is_secure(backend)
    keyring.set_keyring(backend)
    choice = choose_backend()
    assert choice.backend is None and "no secure OS keyring" in choice.reason


def test_insecure_backend_falls_back_to_the_encrypted_table(data_dir: Path) -> None:
    plaintext = PlaintextFileKeyring()
    keyring.set_keyring(plaintext)
    with client_for(data_dir, "auto") as client:
        status = client.get("/api/keys/storage").json()
        assert status["storage"] == "encrypted-db" and status["master_key"] == "file"
        assert "PlaintextFileKeyring" in status["reason"]
        client.put("/api/keys/openai", json={"value": SECRET})
    assert plaintext.entries == {}  # neither the value nor the master key went there
    assert (data_dir / "master.key").exists()


def test_a_chain_uses_its_secure_member_directly(monkeypatch: pytest.MonkeyPatch) -> None:
    secure, plaintext = MemoryKeyring(), PlaintextFileKeyring()
    monkeypatch.setattr(ChainerBackend, "backends", [plaintext, secure])
    keyring.set_keyring(ChainerBackend())  # type: ignore[no-untyped-call]
    assert choose_backend().backend is secure


def test_a_chain_of_insecure_backends_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    insecure = [PlaintextFileKeyring(), null.Keyring()]  # type: ignore[no-untyped-call]
    monkeypatch.setattr(ChainerBackend, "backends", insecure)
    keyring.set_keyring(ChainerBackend())  # type: ignore[no-untyped-call]
    assert choose_backend().backend is None
