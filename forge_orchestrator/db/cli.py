"""`forge-orchestrator db check | backup | restore`, and the database check `serve` starts with."""

from __future__ import annotations

import argparse
import sqlite3
import sys
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..cli_support import add_data_dir_option, settings_from_args
from ..settings import Settings
from . import health


def _db_file(settings: Settings) -> Path | None:
    path = health.sqlite_file(settings.resolved_database_url)
    if path is None:
        print("The database is not a SQLite file; use its own tools.", file=sys.stderr)
    return path


def preflight(settings: Settings) -> Callable[[], int | None]:
    """Start the check `serve` begins with; the returned function waits for the verdict.

    It runs in a thread (SQLite releases the GIL) while `serve` imports the app, so a large
    file's quick_check costs start-up little. The verdict is an exit code, after a clear
    message on stderr, if the file is damaged; else None. A file that passes becomes the
    automatic copy (``forge.db.bak``), refreshed in the background: the "last good copy" the
    message for a damaged file points to."""
    path = health.sqlite_file(settings.resolved_database_url)
    if path is None:
        return lambda: None
    found: list[health.Verdict] = []
    thread = threading.Thread(target=lambda: found.append(health.check(path)), daemon=True)
    thread.start()

    def verdict() -> int | None:
        thread.join()
        if not found:  # the check itself crashed (its traceback is on stderr)
            return 3
        if not found[0].ok:
            print(health.describe(found[0]), file=sys.stderr, flush=True)
            return 3
        if path.exists() and path.stat().st_size:
            health.backup_in_background(path)
        return None

    return verdict


def _check(args: argparse.Namespace) -> int:
    path = _db_file(settings_from_args(args))
    if path is None:
        return 2
    verdict = health.check(path, full=args.full)
    if not verdict.ok:
        print(health.describe(verdict))
        return 1
    kind = "integrity_check" if args.full else "quick_check"
    state = "passes" if path.exists() else "does not exist yet (a fresh start); nothing to check"
    print(f"{path}: {state}" + (f" ({kind})" if path.exists() else ""))
    return 0


def _backup(args: argparse.Namespace) -> int:
    path = _db_file(settings_from_args(args))
    if path is None:
        return 2
    if not path.exists():
        print(f"There is no database at {path} to copy.", file=sys.stderr)
        return 1
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    dest = args.path or path.parent / "backups" / f"forge-{stamp}.db"
    try:
        health.backup(path, dest)
    except (OSError, sqlite3.Error) as exc:
        print(f"Could not copy {path} to {dest}: {exc}", file=sys.stderr)
        return 1
    print(f"Copied {path} to {dest} (mode 0600). Restore it with:")
    print(f"    forge-orchestrator db restore {dest} --data-dir {path.parent}")
    return 0


def _restore(args: argparse.Namespace) -> int:
    path = _db_file(settings_from_args(args))
    if path is None:
        return 2
    try:
        moved = health.restore(args.path, path)
    except (OSError, ValueError) as exc:
        print(f"Not restored: {exc}", file=sys.stderr)
        return 1
    print(f"Restored {args.path} to {path}." + (f" The old file is now {moved}." if moved else ""))
    return 0


def register(subparsers: Any) -> None:
    db = subparsers.add_parser("db", help="database tools: check, backup, restore")
    sub = db.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    check = sub.add_parser("check", help="check the database file for damage (PRAGMA quick_check)")
    check.add_argument(
        "--full", action="store_true", help="PRAGMA integrity_check: slower, also checks indexes"
    )
    add_data_dir_option(check)
    check.set_defaults(handler=_check)
    backup = sub.add_parser(
        "backup", help="write a consistent copy (SQLite online backup; safe while Forge runs)"
    )
    backup.add_argument(
        "path", nargs="?", type=Path, help="where to write it (default: <data_dir>/backups/)"
    )
    add_data_dir_option(backup)
    backup.set_defaults(handler=_backup)
    restore = sub.add_parser(
        "restore", help="replace the database with a checked copy (stop Forge first)"
    )
    restore.add_argument("path", type=Path, help="the copy: from `db backup` or forge.db.bak")
    add_data_dir_option(restore)
    restore.set_defaults(handler=_restore)
