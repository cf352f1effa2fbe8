"""rotate-master keeps every value readable, including across a crash at any step."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from forge_orchestrator.db.engine import make_engine
from forge_orchestrator.db.migrate import upgrade
from forge_orchestrator.db.tables.secrets import user_secrets
from forge_orchestrator.keyring.encrypted_backend import EncryptedBackend
from forge_orchestrator.keyring.errors import SecretUnreadable
from forge_orchestrator.keyring.factory import open_store
from forge_orchestrator.keyring.master_key import FileKeyHolder
from forge_orchestrator.keyring.rotate import rotate_master
from forge_orchestrator.keyring.store import SecretStore
from tests.conftest import make_settings

from .conftest import OTHER_SECRET, SECRET

VALUES = {"openai": SECRET, "anthropic": OTHER_SECRET, "flow.token": "plain-token-value-1"}


@pytest.fixture
def engine(data_dir: Path) -> Engine:
    eng = make_engine(f"sqlite:///{data_dir / 'forge.db'}")
    upgrade(eng)
    return eng


def fresh_store(data_dir: Path, engine: Engine) -> SecretStore:
    """A new store with nothing cached, as a freshly started process would have."""
    return open_store(make_settings(data_dir), engine)


def blobs(engine: Engine) -> dict[str, bytes]:
    with engine.connect() as conn:
        rows = conn.execute(select(user_secrets.c.key_name, user_secrets.c.encrypted_value))
        return {r.key_name: bytes(r.encrypted_value) for r in rows}


def filled(data_dir: Path, engine: Engine) -> SecretStore:
    store = fresh_store(data_dir, engine)
    for name, value in VALUES.items():
        store.set(name, value)
    return store


def test_rotation_reencrypts_everything_and_keeps_it_readable(
    data_dir: Path, engine: Engine
) -> None:
    filled(data_dir, engine)
    old_key = (data_dir / "master.key").read_bytes()
    before = blobs(engine)
    assert rotate_master(engine, FileKeyHolder(data_dir)) == 3
    assert (data_dir / "master.key").read_bytes() != old_key
    after = blobs(engine)
    assert all(before[n] != after[n] for n in VALUES)
    store = fresh_store(data_dir, engine)
    assert {n: store.get(n) for n in VALUES} == VALUES
    assert not (data_dir / "master.key.next").exists()


def test_a_running_store_follows_a_rotation_done_elsewhere(data_dir: Path, engine: Engine) -> None:
    running = filled(data_dir, engine)
    rotate_master(engine, FileKeyHolder(data_dir))  # e.g. the CLI, in another process
    running._forget()
    assert running.get("openai") == SECRET  # retried with the new key
    running.set("anthropic", "sk-ant-after-rotation-0123456789")
    assert fresh_store(data_dir, engine).get("anthropic") == "sk-ant-after-rotation-0123456789"


def test_unreadable_value_aborts_rotation_without_changing_anything(
    data_dir: Path, engine: Engine
) -> None:
    filled(data_dir, engine)
    old_key = (data_dir / "master.key").read_bytes()
    with engine.begin() as conn:
        conn.execute(
            user_secrets.update()
            .where(user_secrets.c.key_name == "anthropic")
            .values(encrypted_value=b"v1" + b"\0" * 40)
        )
    before = blobs(engine)
    with pytest.raises(SecretUnreadable):
        rotate_master(engine, FileKeyHolder(data_dir))
    assert blobs(engine) == before
    assert (data_dir / "master.key").read_bytes() == old_key
    assert not (data_dir / "master.key.next").exists()
    assert fresh_store(data_dir, engine).get("openai") == SECRET


class CrashBeforeCommit(FileKeyHolder):
    def stage(self, key: bytes) -> None:
        super().stage(key)
        raise KeyboardInterrupt  # the process dies after staging, inside the transaction


def test_crash_before_commit_keeps_the_old_key(data_dir: Path, engine: Engine) -> None:
    filled(data_dir, engine)
    before = blobs(engine)
    holder = CrashBeforeCommit(data_dir)
    holder.discard_staged = lambda: None  # type: ignore[method-assign]  # no cleanup: it crashed
    with pytest.raises(KeyboardInterrupt):
        rotate_master(engine, holder)
    assert (data_dir / "master.key.next").exists()
    assert blobs(engine) == before  # rolled back
    store = fresh_store(data_dir, engine)
    assert {n: store.get(n) for n in VALUES} == VALUES
    assert not (data_dir / "master.key.next").exists()  # the stale stage was discarded


class CrashBeforePromote(FileKeyHolder):
    def promote(self) -> None:
        raise KeyboardInterrupt  # the process dies right after the commit


def test_crash_after_commit_promotes_the_staged_key(data_dir: Path, engine: Engine) -> None:
    filled(data_dir, engine)
    with pytest.raises(KeyboardInterrupt):
        rotate_master(engine, CrashBeforePromote(data_dir))
    assert (data_dir / "master.key.next").exists()
    store = fresh_store(data_dir, engine)
    assert {n: store.get(n) for n in VALUES} == VALUES
    assert not (data_dir / "master.key.next").exists()
    assert isinstance(store.backend, EncryptedBackend)
    assert store.backend.holder.load() is not None
