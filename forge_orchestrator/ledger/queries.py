"""Ledger filters shared by every ledger read, and the newest-first keyset list."""

from __future__ import annotations

import base64
import binascii
from datetime import UTC, datetime
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, Field, field_validator
from sqlalchemy import Connection, Engine, Select, select, tuple_

from ..db.tables import token_ledger
from ..errors import ValidationFailed
from .outcomes import Outcome

L = token_ledger.c
S = TypeVar("S", bound=Select[Any])
LedgerStatus = Literal["SUCCESS", "FAILED", "TIMEOUT"]
MAX_LIMIT = 500


class LedgerFilters(BaseModel):
    """Exact-match filters plus a [since, until) time window (UTC)."""

    model: str | None = Field(None, max_length=200, description="model_used, exactly")
    provider: str | None = Field(None, max_length=100)
    agent_role: str | None = Field(None, max_length=100)
    flow_id: str | None = Field(None, max_length=64)
    status: LedgerStatus | None = None
    user_name: str | None = Field(None, max_length=100, description="who made the call")
    machine: str | None = Field(None, max_length=255, description="the machine it came from")
    since: datetime | None = Field(None, description="inclusive, ISO 8601")
    until: datetime | None = Field(None, description="exclusive, ISO 8601")

    @field_validator("since", "until")
    @classmethod
    def _naive_utc(cls, value: datetime | None) -> datetime | None:
        # Rows store naive UTC; an aware input is converted, a naive one is taken as UTC.
        if value is not None and value.tzinfo is not None:
            return value.astimezone(UTC).replace(tzinfo=None)
        return value


class ListFilters(LedgerFilters):
    """The list's extra filters: one flow run's step, or one outcome (rollups keep neither)."""

    run_id: str | None = Field(None, max_length=64)
    node_id: str | None = Field(None, max_length=200)
    outcome: Outcome | None = None


def apply_filters(stmt: S, filters: LedgerFilters) -> S:
    """Add the filters' WHERE clauses to any select over token_ledger."""
    for column, value in (
        (L.model_used, filters.model),
        (L.provider, filters.provider),
        (L.agent_role, filters.agent_role),
        (L.flow_id, filters.flow_id),
        (L.status, filters.status),
        (L.user_name, filters.user_name),
        (L.machine, filters.machine),
    ):
        if value is not None:
            stmt = stmt.where(column == value)
    if filters.since is not None:
        stmt = stmt.where(L.timestamp >= filters.since)
    if filters.until is not None:
        stmt = stmt.where(L.timestamp < filters.until)
    if isinstance(filters, ListFilters):
        for column, value in (
            (L.run_id, filters.run_id),
            (L.node_id, filters.node_id),
            (L.outcome, filters.outcome),
        ):
            if value is not None:
                stmt = stmt.where(column == value)
    return stmt


def encode_cursor(timestamp: datetime, row_id: int) -> str:
    raw = f"{timestamp.isoformat()}|{row_id}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, int]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        ts, row_id = base64.urlsafe_b64decode(padded).decode().split("|")
        found = datetime.fromisoformat(ts), int(row_id)
        if not 0 < found[1] < 2**31:  # an INTEGER id on every backend (a crafted cursor)
            raise ValueError(row_id)
        return found
    except (ValueError, binascii.Error, UnicodeDecodeError) as exc:
        raise ValidationFailed(
            "cursor: not a cursor from a previous page", details={"cursor": cursor}
        ) from exc


def list_entries(
    engine: Engine, filters: LedgerFilters, *, limit: int = 50, cursor: str | None = None
) -> tuple[list[dict[str, Any]], str | None]:
    """Rows newest first (timestamp, then id) and the cursor of the next page, if any."""
    with engine.connect() as conn:
        return entries_page(conn, filters, limit=limit, cursor=cursor)


def entries_page(
    conn: Connection, filters: LedgerFilters, *, limit: int = 50, cursor: str | None = None
) -> tuple[list[dict[str, Any]], str | None]:
    """:func:`list_entries` on the caller's connection (``await db.read(...)``)."""
    limit = max(1, min(limit, MAX_LIMIT))
    stmt = apply_filters(select(token_ledger), filters)
    if cursor:
        ts, row_id = decode_cursor(cursor)
        # A row-value comparison is one index range; the OR form made SQLite scan from the top.
        stmt = stmt.where(tuple_(L.timestamp, L.id) < tuple_(ts, row_id))
    stmt = stmt.order_by(L.timestamp.desc(), L.id.desc()).limit(limit + 1)
    result = conn.execute(stmt)
    keys = list(result.keys())
    rows = [dict(zip(keys, values, strict=True)) for values in result.all()]
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        last = rows[-1]
        next_cursor = encode_cursor(last["timestamp"], last["id"])
    return rows, next_cursor
