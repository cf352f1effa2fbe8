"""A damaged database file: `serve` says what is wrong and how to restore (no traceback);
`db check` finds bad pages; `db backup` / `db restore` bring back a good copy."""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest

from forge_orchestrator.db.engine import make_engine
from forge_orchestrator.db.migrate import upgrade
from forge_orchestrator.ledger.recorder import record_many
from tests.e2e.harness import ServerProcess

from .db_faults import wait_for

ROWS = 3000
PAGE = 4096


def populate(db: Path) -> None:
    """A real Forge database with enough ledger rows to span a few hundred pages."""
    engine = make_engine(f"sqlite:///{db}")
    upgrade(engine)
    record_many(
        engine,
        [
            {
                "timestamp": datetime(2026, 1, 1 + i % 28),
                "provider": "openai",
                "model_used": "gpt-6.2-sol",
                "prompt_hash": f"{i:064x}",
                "status": "SUCCESS",
                "input_tokens": i,
                "output_tokens": 7,
                "total_cost_usd": 0.001,
                "latency_ms": 10 + i % 50,
                "error_message": "x" * 200,
            }
            for i in range(ROWS)
        ],
    )
    engine.dispose()
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()


def garbage(db: Path) -> None:
    db.write_bytes(os.urandom(64 * 1024))


def truncated(db: Path) -> None:
    os.truncate(db, db.stat().st_size // 2)


def bad_header(db: Path) -> None:
    with db.open("r+b") as f:
        f.write(b"NOT A DATABASE!!")


def bad_middle_page(db: Path) -> None:
    # Overwrite the header and cell pointers of a b-tree page in the middle of the file;
    # ordinary reads still work. (At an offset inside the page, the bytes could land in a
    # page's free gap, which no check can see: a new table in 0011 moved the pages so.)
    page = db.stat().st_size // PAGE // 2
    with db.open("r+b") as f:
        f.seek(page * PAGE)
        f.write(b"\xff" * 300)


CORRUPTIONS: dict[str, Callable[[Path], None]] = {
    "garbage": garbage,
    "truncated": truncated,
    "bad_header": bad_header,
    "bad_middle_page": bad_middle_page,
}


def forge(data_dir: Path, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FORGE_")}
    env["FORGE_TOKEN"] = "test-token-0123456789abcdef0123456789abcdef"
    return subprocess.run(
        [sys.executable, "-m", "forge_orchestrator.cli", *args, "--data-dir", str(data_dir)],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


@pytest.mark.parametrize("corrupt", list(CORRUPTIONS))
def test_serve_refuses_a_damaged_database_with_a_clear_message(
    tmp_path: Path, corrupt: str
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    db = data / "forge.db"
    populate(db)
    CORRUPTIONS[corrupt](db)
    served = forge(data, "serve", "--no-browser", "--port", "0")
    out = served.stdout + served.stderr
    assert served.returncode != 0, out
    assert "Traceback" not in out, out
    assert f"The database {db} is damaged" in out, out
    assert "forge-orchestrator db restore" in out and "move" in out, out
    checked = forge(data, "db", "check")
    assert checked.returncode == 1 and "is damaged" in checked.stdout, checked


def test_backup_then_restore_brings_back_the_data(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    db = data / "forge.db"
    populate(db)
    copy = tmp_path / "copies" / "forge-copy.db"
    made = forge(data, "db", "backup", str(copy))
    assert made.returncode == 0, made
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600
    bad_middle_page(db)
    assert forge(data, "db", "check").returncode == 1
    restored = forge(data, "db", "restore", str(copy))
    assert restored.returncode == 0, restored
    assert forge(data, "db", "check").returncode == 0
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT count(*) FROM token_ledger").fetchone() == (ROWS,)
    conn.close()
    assert [p.name for p in data.glob("forge.db.broken-*")], "the damaged file is kept aside"


def test_serve_keeps_a_last_good_copy_that_the_message_points_to(tmp_path: Path) -> None:
    data = tmp_path / "data"
    server = ServerProcess(data_dir=data).start()
    with server.client() as c:
        assert c.post("/api/commands", json={"name": "keep", "command": "true"}).status_code == 201
    server.stop()
    # A clean start refreshes forge.db.bak; this one holds the card written above.
    server = ServerProcess(data_dir=data).start()
    server.stop()
    backup = data / "forge.db.bak"
    wait_for(backup.exists, "the automatic copy")
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    garbage(data / "forge.db")
    served = forge(data, "serve", "--no-browser", "--port", "0")
    assert served.returncode != 0 and "Traceback" not in served.stderr
    assert f"forge-orchestrator db restore {backup}" in served.stderr, served.stderr
    assert forge(data, "db", "restore", str(backup)).returncode == 0
    server = ServerProcess(data_dir=data).start()
    try:
        with server.client() as c:
            assert [card["name"] for card in c.get("/api/commands").json()] == ["keep"]
    finally:
        server.stop()
