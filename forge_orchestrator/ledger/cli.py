"""`forge-orchestrator ledger export` (CSV or JSONL) and `ledger rebuild-rollups`."""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..cli_support import add_data_dir_option, settings_from_args


def _export(args: argparse.Namespace) -> int:
    # SQLAlchemy, Alembic and the ledger load only when this command runs, not for every CLI.
    from ..db.engine import make_engine
    from ..db.migrate import upgrade
    from .export import stream_export
    from .queries import LedgerFilters

    try:
        filters = LedgerFilters(
            model=args.model,
            provider=args.provider,
            agent_role=args.agent_role,
            flow_id=args.flow_id,
            status=args.status,
            since=args.since,
            until=args.until,
        )
    except ValidationError as exc:
        print(f"error: {exc.errors()[0]['msg']}", file=sys.stderr)
        return 2
    settings = settings_from_args(args)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = make_engine(settings.resolved_database_url)
    try:
        upgrade(engine)
        out = args.output.open("w", encoding="utf-8", newline="") if args.output else sys.stdout
        try:
            for chunk in stream_export(engine, filters, args.format):
                out.write(chunk)
        finally:
            if args.output:
                out.close()
    finally:
        engine.dispose()
    return 0


def _rebuild_rollups(args: argparse.Namespace) -> int:
    # Loaded on use, as in _export (start-up of every other command line).
    from ..db.engine import make_engine
    from ..db.migrate import upgrade
    from .rollup import rebuild

    settings = settings_from_args(args)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = make_engine(settings.resolved_database_url)
    try:
        upgrade(engine)
        sums, hist = rebuild(engine)
    finally:
        engine.dispose()
    print(f"rebuilt ledger rollups: {sums} rollup rows, {hist} latency histogram rows")
    return 0


def _when(value: str) -> datetime:
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not an ISO 8601 date or time: {value!r}") from exc


def register(subparsers: Any) -> None:
    ledger = subparsers.add_parser("ledger", help="token ledger tools")
    sub = ledger.add_subparsers(dest="ledger_command", metavar="ACTION", required=True)
    export = sub.add_parser("export", help="write ledger rows as CSV or JSONL (oldest first)")
    export.add_argument("--format", choices=("csv", "jsonl"), default="csv")
    export.add_argument("--since", type=_when, help="inclusive, ISO 8601 (UTC if naive)")
    export.add_argument("--until", type=_when, help="exclusive, ISO 8601 (UTC if naive)")
    export.add_argument("--model", help="model_used, exactly")
    export.add_argument("--provider")
    export.add_argument("--agent-role")
    export.add_argument("--flow-id")
    export.add_argument("--status", choices=("SUCCESS", "FAILED", "TIMEOUT"))
    export.add_argument("--output", "-o", type=Path, help="file to write (default: stdout)")
    add_data_dir_option(export)
    export.set_defaults(handler=_export)
    rollups = sub.add_parser(
        "rebuild-rollups",
        help="recompute the summary rollups from token_ledger (after editing it by hand)",
    )
    add_data_dir_option(rollups)
    rollups.set_defaults(handler=_rebuild_rollups)
