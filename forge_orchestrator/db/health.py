"""The SQLite file's health: quick_check before serving, online backups, and restoring one."""

from __future__ import annotations

import logging
import os
import shutil
import sqlite3
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.engine import make_url

log = logging.getLogger(__name__)
HEADER = b"SQLite format 3\x00"
SIDE_FILES = ("-wal", "-shm")  # SQLite's companions of a WAL-mode database


@dataclass(frozen=True)
class Verdict:
    """What a check found: ``problem`` is None when the file is healthy (or absent)."""

    path: Path
    problem: str | None = None
    findings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.problem is None


def sqlite_file(url: str) -> Path | None:
    """The database file of a SQLite URL; None for other databases or in-memory ones."""
    parsed = make_url(url)
    name = parsed.database
    if parsed.get_backend_name() != "sqlite" or not name or name == ":memory:":
        return None
    if name.startswith("file:"):
        return None
    return Path(name).resolve()


def auto_backup_path(db: Path) -> Path:
    """Where `serve` keeps the copy of the last file that passed its start-up check."""
    return db.with_name(db.name + ".bak")


def check(path: Path, *, full: bool = False) -> Verdict:
    """``PRAGMA quick_check`` (``integrity_check`` with ``full``): bad headers and bad pages."""
    if not path.exists() or path.stat().st_size == 0:
        return Verdict(path)  # a fresh start: the schema is created on first use
    with path.open("rb") as f:
        if f.read(len(HEADER)) != HEADER:
            return Verdict(path, "it is not a SQLite database (its header is wrong or missing)")
    try:
        conn = sqlite3.connect(path)
        try:
            pragma = "integrity_check" if full else "quick_check"
            rows = conn.execute(f"PRAGMA {pragma}").fetchall()
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        text = str(exc)
        if "malformed" in text:
            return Verdict(path, "it is truncated or damaged (database disk image is malformed)")
        return Verdict(path, f"SQLite cannot read it ({text})")
    findings = [line for (row,) in rows for line in str(row).splitlines()]
    if findings == ["ok"]:
        return Verdict(path)
    kept = [line for line in findings if not line.startswith("*** in database")]
    return Verdict(path, f"{len(kept)} problem(s) found in its pages", kept[:20])


def describe(verdict: Verdict) -> str:
    """What is wrong, where the file is, and how to restore the last good copy."""
    path = verdict.path
    lines = [f"The database {path} is damaged: {verdict.problem}."]
    lines += [f"  {line}" for line in verdict.findings[:5]]
    if len(verdict.findings) > 5:
        lines.append(f"  … and {len(verdict.findings) - 5} more")
    backup = auto_backup_path(path)
    lines.append("")
    if backup.exists():
        when = datetime.fromtimestamp(backup.stat().st_mtime, UTC).strftime("%Y-%m-%d %H:%M UTC")
        lines += [
            f"The last good copy is {backup} (made {when}, when Forge last started cleanly).",
            "To restore it (the damaged file is kept beside it as forge.db.broken-…):",
            f"    forge-orchestrator db restore {backup}" + _data_dir_flag(path),
        ]
    else:
        lines.append("No automatic copy exists yet (Forge makes one each time it starts cleanly).")
    lines += [
        "To restore a copy made with `forge-orchestrator db backup PATH`:",
        "    forge-orchestrator db restore PATH" + _data_dir_flag(path),
        f"To start fresh instead (cards, flows and the ledger are lost), move {path} away",
        f"(with its {path.name}-wal and {path.name}-shm files, if any).",
        "`forge-orchestrator db check` checks the file again.",
    ]
    return "\n".join(lines)


def _data_dir_flag(path: Path) -> str:
    return f" --data-dir {path.parent}"


def backup(source: Path, dest: Path) -> Path:
    """A consistent copy through SQLite's online backup API (safe while Forge runs), 0600.

    Written beside ``dest`` and renamed into place once it passes quick_check, so a backup
    cut short never replaces a good one."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(f".{dest.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    # Created 0600 before SQLite opens it: the copy holds the same secrets as the original.
    os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    try:
        src = sqlite3.connect(source)
        try:
            dst = sqlite3.connect(tmp)
            try:
                src.backup(dst)
            finally:
                dst.close()
        finally:
            src.close()
        verdict = check(tmp)
        if not verdict.ok:
            raise sqlite3.DatabaseError(f"the copy failed its check: {verdict.problem}")
        os.replace(tmp, dest)
    finally:
        tmp.unlink(missing_ok=True)
    return dest


def restore(copy: Path, db: Path) -> Path | None:
    """Put a checked copy in place of ``db``; returns where the old file was moved (if any).

    Stop Forge first. The old file's -wal and -shm go with it: a stale WAL replayed onto the
    restored file would damage it."""
    verdict = check(copy)
    if not verdict.ok or not copy.exists():
        raise ValueError(f"{copy} is not a usable copy: {verdict.problem or 'it does not exist'}")
    moved: Path | None = None
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    if db.exists():
        moved = db.with_name(f"{db.name}.broken-{stamp}")
        os.replace(db, moved)
    for suffix in SIDE_FILES:
        side = db.with_name(db.name + suffix)
        if side.exists():
            os.replace(side, db.with_name(f"{db.name}.broken-{stamp}{suffix}"))
    tmp = db.with_name(f".{db.name}.restore.tmp")
    os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600))
    shutil.copyfile(copy, tmp)
    os.replace(tmp, db)
    return moved


def backup_in_background(db: Path) -> threading.Thread:
    """Refresh the automatic copy after a clean start-up check, off the start-up path."""

    def run() -> None:
        try:
            backup(db, auto_backup_path(db))
        except (OSError, sqlite3.Error) as exc:  # the previous copy stays in place
            log.warning("could not refresh the database copy %s: %s", auto_backup_path(db), exc)

    thread = threading.Thread(target=run, name="db-auto-backup", daemon=True)
    thread.start()
    return thread
