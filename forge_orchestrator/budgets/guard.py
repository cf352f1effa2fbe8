"""Budgets that hold: atomic reservations against every applicable budget, settled after calls."""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import psutil
from sqlalchemy import URL, ColumnElement, Connection, Engine, delete, func, insert, select, true

from ..db.engine import write_tx
from ..db.service import Database
from ..db.tables import budget_reservations, budgets, token_ledger
from ..db.utils import utcnow
from ..errors import BudgetExceeded
from ..memory import Remembered
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
    """PUT semantics: the given set replaces every budget, in the caller's transaction. Run it
    inside :func:`forgetting` (outermost) or through :func:`save_budgets`."""
    now = utcnow()
    conn.execute(delete(budgets))
    for spec in data.budgets:
        conn.execute(insert(budgets).values(**spec.model_dump(), created_at=now))
    return list_budgets(conn)


async def save_budgets(db: Database, data: BudgetSet) -> list[Budget]:
    """:func:`replace_budgets` through the database service; "no budget" is forgotten once it
    commits (a forget inside the job would come before the group commit)."""
    with forgetting():
        return await db.write(lambda conn: replace_budgets(conn, data))


@contextmanager
def forgetting() -> Iterator[None]:
    with _UNBUDGETED.forgetting():
        yield


# Databases where a read found no budget at all: calls skip the budget check while that is
# remembered; replace_budgets forgets it when it commits.
_UNBUDGETED: Remembered[URL, bool] = Remembered()


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


def spent_usd(conn: Connection, b: BudgetSpec, now: datetime) -> float:
    start, end = period_bounds(b.period, now)
    stmt = select(func.coalesce(func.sum(L.total_cost_usd), 0.0)).where(
        L.timestamp >= start, L.timestamp < end, ledger_scope(b)
    )
    return float(conn.execute(stmt).scalar_one())


def reserved_usd(conn: Connection, b: BudgetSpec) -> float:
    stmt = select(func.coalesce(func.sum(R.amount_usd), 0.0)).where(reservation_scope(b))
    return float(conn.execute(stmt).scalar_one())


def applicable(provider: str, flow_id: str | None) -> ColumnElement[bool]:
    return (
        (B.scope == "global")
        | ((B.scope == "provider") & (B.target == provider))
        | ((B.scope == "flow") & (B.target == flow_id))
    )


_ANY_BUDGET = select(B.id).limit(1)


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
        """False when it is known from memory that no budget exists (then skip ``applies``)."""
        known, _ = _UNBUDGETED.recall(self.engine.url)
        return not known

    def applies(self, conn: Connection, *, provider: str, flow_id: str | None) -> bool:
        # A plain read: a budget created right after it is checked only misses calls that
        # were already under way, like any call in flight when a budget is set. Most users
        # have no budgets, so a constant (compiled once) "any at all?" query goes first.
        generation = _UNBUDGETED.generation
        if conn.execute(_ANY_BUDGET).first() is None:
            _UNBUDGETED.keep(self.engine.url, True, generation)
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
        rows = conn.execute(
            select(budgets).where(applicable(provider, flow_id)).order_by(B.id).with_for_update()
        ).all()
        if not rows:
            return None
        for b in (_to_budget(r) for r in rows):
            if not b.hard:
                continue
            spent = spent_usd(conn, b, now)
            reserved = reserved_usd(conn, b)
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
