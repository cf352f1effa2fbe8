"""Streams ledger rows as CSV or JSONL with the list filters, a batch at a time."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import Engine, select, tuple_

from ..db.tables import token_ledger
from ..db.utils import iso
from .queries import LedgerFilters, apply_filters

ExportFormat = Literal["csv", "jsonl"]
COLUMNS: tuple[str, ...] = tuple(c.name for c in token_ledger.columns)
BATCH_ROWS = 2000
L = token_ledger.c


def _cell(value: Any) -> Any:
    if isinstance(value, datetime):
        return iso(value)
    return value


def iter_rows(
    engine: Engine, filters: LedgerFilters, batch_rows: int = BATCH_ROWS
) -> Iterator[list[dict[str, Any]]]:
    """Batches in (timestamp, id) order; each batch is a fresh short read (keyset, no OFFSET)."""
    after: tuple[datetime, int] | None = None
    while True:
        stmt = apply_filters(select(token_ledger), filters)
        if after is not None:
            stmt = stmt.where(tuple_(L.timestamp, L.id) > tuple_(*after))
        stmt = stmt.order_by(L.timestamp, L.id).limit(batch_rows)
        with engine.connect() as conn:
            rows = [dict(r._mapping) for r in conn.execute(stmt)]
        if not rows:
            return
        yield [{k: _cell(v) for k, v in r.items()} for r in rows]
        if len(rows) < batch_rows:
            return
        after = (rows[-1]["timestamp"], rows[-1]["id"])


def _csv_text(rows: list[dict[str, Any]], header: bool) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=COLUMNS, lineterminator="\n")
    if header:
        writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue()


def stream_export(
    engine: Engine, filters: LedgerFilters, fmt: ExportFormat, batch_rows: int = BATCH_ROWS
) -> Iterator[str]:
    """Text chunks of the export; a CSV always has its header, even with no rows."""
    if fmt == "csv":
        yield _csv_text([], header=True)
    for batch in iter_rows(engine, filters, batch_rows):
        if fmt == "csv":
            yield _csv_text(batch, header=False)
        else:
            yield "".join(json.dumps(r, separators=(",", ":")) + "\n" for r in batch)


def media_type(fmt: ExportFormat) -> str:
    return "text/csv; charset=utf-8" if fmt == "csv" else "application/x-ndjson"
