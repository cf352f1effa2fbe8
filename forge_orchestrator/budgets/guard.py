"""Budgets that hold: atomic reservations against every applicable budget, settled after calls."""

from __future__ import annotations

import os
import socket
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import psutil
from sqlalchemy import (
    ColumnElement,
    Connection,
    Engine,
    Select,
    delete,
    func,
    insert,
    select,
    true,
)

from ..db.engine import write_tx
from ..db.service import Database
from ..db.tables import budget_reservations, budgets, token_ledger
from ..db.utils import utcnow
from ..errors import BudgetExceeded
from .models import Budget, BudgetSet, BudgetSpec, money, period_bounds

L = token_ledger.c
R = budget_reservations.c
B = budgets.c
STALE_AFTER = timedelta(days=1)


@dataclass(frozen=True)
class Reservation:
    id: int
    amount_usd: float


def _to_budget(row: Any) -> Budget:
    return Budget(
        id=row.id,
        scope=row.scope,
        target=row.target,
        period=row.period,
        limit_usd=row.limit_usd,
        soft_limit_usd=row.soft_limit_usd,
        hard=row.hard,
    )


def list_budgets(conn: Connection) -> list[Budget]:
    rows = conn.execute(select(budgets).order_by(B.scope, B.target, B.period, B.id))
    return [_to_budget(r) for r in rows]


def replace_budgets(conn: Connection, data: BudgetSet) -> list[Budget]:
    """PUT semantics: the given set replaces every budget, in the caller's transaction."""
    now = utcnow()
    conn.execute(delete(budgets))
    for spec in data.budgets:
        conn.execute(insert(budgets).values(**spec.model_dump(), created_at=now))
    return list_budgets(conn)


async def save_budgets(db: Database, data: BudgetSet) -> list[Budget]:
    """:func:`replace_budgets` through the database service."""
    return await db.write(lambda conn: replace_budgets(conn, data))


def ledger_scope(b: BudgetSpec) -> ColumnElement[bool]:
    if b.scope == "provider":
        return L.provider == b.target
    if b.scope == "flow":
        return L.flow_id == b.target
    return true()


def reservation_scope(b: BudgetSpec) -> ColumnElement[bool]:
    if b.scope == "provider":
        return R.provider == b.target
    if b.scope == "flow":
        return R.flow_id == b.target
    return true()


def _spent_select(b: BudgetSpec, now: datetime) -> Select[Any]:
    start, end = period_bounds(b.period, now)
    return select(func.coalesce(func.sum(L.total_cost_usd), 0.0)).where(
        L.timestamp >= start, L.timestamp < end, ledger_scope(b)
    )


def _reserved_select(b: BudgetSpec) -> Select[Any]:
    return select(func.coalesce(func.sum(R.amount_usd), 0.0)).where(reservation_scope(b))


def spent_and_reserved(conn: Connection, b: BudgetSpec, now: datetime) -> tuple[float, float]:
    """Both in one statement, so both come from one snapshot.

    A call's settlement moves its cost from its reservation to its ledger row in one
    transaction. On PostgreSQL (READ COMMITTED) each statement sees the data committed when it
    starts: two statements could read the ledger before a settlement and the reservations
    after it, counting that call zero times and letting a budget be overshot.
    """
    row = conn.execute(
        select(_spent_select(b, now).scalar_subquery(), _reserved_select(b).scalar_subquery())
    ).one()
    return float(row[0]), float(row[1])


def applicable(provider: str, flow_id: str | None) -> ColumnElement[bool]:
    return (
        (B.scope == "global")
        | ((B.scope == "provider") & (B.target == provider))
        | ((B.scope == "flow") & (B.target == flow_id))
    )


_ANY_BUDGET = select(B.id).limit(1)
_ANY_BUDGET_SQL: dict[str, str] = {}


def any_budget(conn: Connection) -> bool:
    """Whether any budget exists: on every LLM call, so compiled once per dialect and run on
    the DB-API cursor (SQLAlchemy's per-execution work is most of the cost of this read)."""
    sql = _ANY_BUDGET_SQL.get(conn.dialect.name)
    if sql is None:
        compiled = _ANY_BUDGET.compile(dialect=conn.dialect, compile_kwargs={"literal_binds": True})
        sql = _ANY_BUDGET_SQL[conn.dialect.name] = str(compiled)
    cursor = conn.connection.cursor()
    try:
        cursor.execute(sql)
        return cursor.fetchone() is not None
    finally:
        cursor.close()


def _applicable_budgets(provider: str, flow_id: str | None) -> Select[Any]:
    return select(budgets).where(applicable(provider, flow_id)).order_by(B.id).with_for_update()


class BudgetGuard:
    """The gateway's budget hook. Sync: the gateway calls it from a worker thread.

    Order of a call: ``reserve`` (worst case) → provider call → the ledger row is written →
    ``settle``. Between the last two steps the cost counts twice (ledger + reservation), which
    errs on the safe side; there is never a moment when it counts zero times.
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.holder = f"{socket.gethostname()[:60]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"

    def may_apply(self) -> bool:
        """Always True: whether a budget exists is asked of the database on every call.

        Nothing is remembered in memory, because several processes may share the database
        (team mode on PostgreSQL, or two data dirs on one SQLite file): a "no budget" kept by
        one process would let its calls past a budget another process just set. The question
        is one read of a table of a few rows, inside the write the call makes anyway.
        """
        return True

    def applies(self, conn: Connection, *, provider: str, flow_id: str | None) -> bool:
        # A plain read: a budget created right after it is checked only misses calls that
        # were already under way, like any call in flight when a budget is set. Most users
        # have no budgets, so a constant (compiled once) "any at all?" query goes first.
        if not any_budget(conn):
            return False
        stmt = select(B.id).where(applicable(provider, flow_id)).limit(1)
        return conn.execute(stmt).first() is not None

    def reserve(self, *, provider: str, flow_id: str | None, amount_usd: float) -> object:
        """:meth:`reserve_in` in its own transaction."""
        with write_tx(self.engine) as conn:
            return self.reserve_in(conn, provider=provider, flow_id=flow_id, amount_usd=amount_usd)

    def reserve_in(
        self, conn: Connection, *, provider: str, flow_id: str | None, amount_usd: float
    ) -> object:
        amount = max(0.0, float(amount_usd or 0.0))
        now = utcnow()
        # FOR UPDATE serialises reservations on PostgreSQL; SQLite's write transaction
        # already holds the database write lock from BEGIN IMMEDIATE.
        rows = conn.execute(_applicable_budgets(provider, flow_id)).all()
        if not rows:
            # On PostgreSQL a SELECT … FOR UPDATE that waited on a budget another process was
            # replacing (PUT /api/budgets deletes and inserts) skips the deleted rows and cannot
            # see the inserted ones (its snapshot is older); asked again, it sees them.
            rows = conn.execute(_applicable_budgets(provider, flow_id)).all()
        if not rows:
            return None
        for b in (_to_budget(r) for r in rows):
            if not b.hard:
                continue
            spent, reserved = spent_and_reserved(conn, b, now)
            if spent + reserved + amount > b.limit_usd + 1e-12:
                raise _exceeded(b, spent, reserved, amount)
        new_id = conn.execute(
            insert(budget_reservations)
            .values(
                provider=provider,
                flow_id=flow_id,
                amount_usd=amount,
                holder=self.holder,
                created_at=now,
            )
            .returning(R.id)
        ).scalar_one()
        return Reservation(id=int(new_id), amount_usd=amount)

    def settle(self, reservation: object) -> None:
        """:meth:`settle_in` in its own transaction."""
        with write_tx(self.engine) as conn:
            self.settle_in(conn, reservation)

    def settle_in(self, conn: Connection, reservation: object) -> None:
        """Release the hold; the call's ledger row (written with it) carries the real cost."""
        if isinstance(reservation, Reservation):
            conn.execute(delete(budget_reservations).where(R.id == reservation.id))

    def clear_stale(self) -> int:
        """Drops holds left by a process that died mid-call (and any older than a day)."""
        host = socket.gethostname()[:60]
        now = utcnow()
        with write_tx(self.engine) as conn:
            rows = conn.execute(select(R.id, R.holder, R.created_at)).all()
            stale = [r.id for r in rows if _is_stale(r.holder, r.created_at, host, now)]
            if stale:
                conn.execute(delete(budget_reservations).where(R.id.in_(stale)))
        return len(stale)


def _is_stale(holder: str, created_at: datetime, host: str, now: datetime) -> bool:
    if created_at < now - STALE_AFTER:
        return True
    parts = holder.rsplit(":", 2)
    if len(parts) != 3 or parts[0] != host or not parts[1].isdigit():
        return False
    return not psutil.pid_exists(int(parts[1]))


def _exceeded(b: Budget, spent: float, reserved: float, amount: float) -> BudgetExceeded:
    return BudgetExceeded(
        f"Budget exceeded: the {b.label()} is {money(b.limit_usd)}; spent {money(spent)}, "
        f"reserved {money(reserved)} by calls in flight, and this call may cost up to "
        f"{money(amount)}.",
        details={
            "budget": b.model_dump(),
            "limit_usd": b.limit_usd,
            "spent_usd": round(spent, 10),
            "reserved_usd": round(reserved, 10),
            "requested_usd": round(amount, 10),
        },
    )
