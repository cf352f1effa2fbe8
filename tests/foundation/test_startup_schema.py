"""The schema at start-up: the snapshot equals the migrations, and Alembic loads only to migrate."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

from alembic import command
from sqlalchemy import Engine

from forge_orchestrator.db import snapshot
from forge_orchestrator.db.engine import make_engine
from forge_orchestrator.db.migrate import alembic_config, current_revisions, head_revisions, upgrade
from forge_orchestrator.db.startup import SNAPSHOT, prepare_schema, script_heads


def _schema(path: Path) -> list[tuple[str, str, str]]:
    conn = sqlite3.connect(path)
    try:
        rows = conn.execute(
            "SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY type, name"
        ).fetchall()
        return [*rows, *conn.execute("SELECT 'rev', version_num, '' FROM alembic_version")]
    finally:
        conn.close()


def _migrated(tmp_path: Path) -> list[tuple[str, str, str]]:
    engine = make_engine(f"sqlite:///{tmp_path / 'migrated.db'}")
    upgrade(engine)
    engine.dispose()
    return _schema(tmp_path / "migrated.db")


def _prepare_in_fresh_process(db: Path) -> str:
    """prepare_schema in a new interpreter; prints whether it had to import Alembic."""
    code = (
        "import sys\n"
        "from forge_orchestrator.db.engine import make_engine\n"
        "from forge_orchestrator.db.startup import prepare_schema\n"
        f"engine = make_engine('sqlite:///{db}')\n"
        "prepare_schema(engine)\n"
        "engine.dispose()\n"
        "print('alembic' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return out.stdout.strip()


def test_the_snapshot_is_what_the_migrations_build() -> None:
    # Fails after a new migration until `python -m forge_orchestrator.db.snapshot --write`.
    assert SNAPSHOT.read_text(encoding="utf-8") == snapshot.build()


def test_heads_read_from_the_version_files_are_alembics(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'h.db'}")
    assert script_heads() == head_revisions(engine)
    engine.dispose()


def test_an_empty_database_gets_the_migrated_schema_without_alembic(tmp_path: Path) -> None:
    db = tmp_path / "fresh.db"
    assert _prepare_in_fresh_process(db) == "False"
    assert _schema(db) == _migrated(tmp_path)


def test_a_database_at_head_starts_without_alembic(tmp_path: Path) -> None:
    db = tmp_path / "forge.db"
    engine = make_engine(f"sqlite:///{db}")
    upgrade(engine)
    engine.dispose()
    before = _schema(db)
    assert _prepare_in_fresh_process(db) == "False"
    assert _schema(db) == before


def test_a_database_behind_head_is_migrated(tmp_path: Path) -> None:
    db = tmp_path / "old.db"
    engine = make_engine(f"sqlite:///{db}")
    with engine.begin() as conn:
        cfg = alembic_config(engine)
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0009")
    assert current_revisions(engine) == {"0009"}
    prepare_schema(engine)
    assert current_revisions(engine) == head_revisions(engine)
    engine.dispose()
    assert _schema(db) == _migrated(tmp_path)


def test_a_snapshot_older_than_head_is_migrated_the_rest_of_the_way(tmp_path: Path) -> None:
    old = tmp_path / "old_snapshot.sql"
    old.write_text(snapshot.build("0009"), encoding="utf-8")
    engine = make_engine(f"sqlite:///{tmp_path / 'fresh.db'}")
    prepare_schema(engine, snapshot=old)
    assert current_revisions(engine) == head_revisions(engine)
    engine.dispose()
    assert _schema(tmp_path / "fresh.db") == _migrated(tmp_path)


def test_postgresql_servers_starting_at_once_on_an_empty_database_all_get_the_schema(
    pg_server: object, pg_engine: Engine
) -> None:
    name = f"{pg_engine.url.database}_startup"
    pg_server.admin(f'CREATE DATABASE "{name}"')  # type: ignore[attr-defined]
    engines = [make_engine(pg_server.url(name)) for _ in range(3)]  # type: ignore[attr-defined]
    start = threading.Barrier(len(engines))
    errors: list[BaseException] = []

    def boot(engine: Engine) -> None:
        start.wait(10)
        try:
            prepare_schema(engine)
            prepare_schema(engine)  # at head now: one query
        except BaseException as exc:  # the test reports every starter's failure
            errors.append(exc)

    threads = [threading.Thread(target=boot, args=(e,)) for e in engines]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    try:
        assert errors == []
        assert current_revisions(engines[0]) == head_revisions(engines[0])
    finally:
        for e in engines:
            e.dispose()
        pg_server.admin(f'DROP DATABASE "{name}" WITH (FORCE)')  # type: ignore[attr-defined]
