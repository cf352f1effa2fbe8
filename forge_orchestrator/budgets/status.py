"""GET /api/budgets/status: per budget spent, reserved, remaining and remaining calls."""

from __future__ import annotations

import math
from datetime import datetime

from sqlalchemy import Connection, func, select

from ..db.tables import token_ledger
from ..db.utils import iso, utcnow
from .guard import ledger_scope, list_budgets, spent_and_reserved
from .models import Budget, BudgetState, BudgetStatus, Level, money, period_bounds

L = token_ledger.c
RECENT_CALLS = 50


def average_call_usd(conn: Connection, b: Budget) -> float | None:
    """Mean cost of the last priced calls in the budget's scope (None before any)."""
    recent = (
        select(L.total_cost_usd.label("cost"))
        .where(ledger_scope(b), L.total_cost_usd.is_not(None), L.status == "SUCCESS")
        .order_by(L.timestamp.desc(), L.id.desc())
        .limit(RECENT_CALLS)
        .subquery()
    )
    value = conn.execute(select(func.avg(recent.c.cost))).scalar_one()
    return None if value is None else float(value)


def _level(b: Budget, used: float) -> Level:
    if used >= b.limit_usd:
        return "exceeded"
    if b.soft_limit_usd is not None and used >= b.soft_limit_usd:
        return "warn"
    return "ok"


def budget_state(conn: Connection, b: Budget, now: datetime) -> BudgetState:
    start, end = period_bounds(b.period, now)
    spent, reserved = spent_and_reserved(conn, b, now)
    remaining = max(0.0, b.limit_usd - spent - reserved)
    avg = average_call_usd(conn, b)
    calls = math.floor(remaining / avg) if avg else None
    used = spent + reserved
    return BudgetState(
        budget=b,
        label=b.label(),
        period_start=iso(start) or "",
        resets_at=iso(end) or "",
        limit_usd=b.limit_usd,
        soft_limit_usd=b.soft_limit_usd,
        spent_usd=round(spent, 10),
        reserved_usd=round(reserved, 10),
        remaining_usd=round(remaining, 10),
        average_call_usd=None if avg is None else round(avg, 10),
        remaining_calls=calls,
        used_fraction=round(min(1.0, used / b.limit_usd), 6),
        level=_level(b, used),
    )


def budget_status(conn: Connection, now: datetime | None = None) -> BudgetStatus:
    when = now or utcnow()
    states = [budget_state(conn, b, when) for b in list_budgets(conn)]
    warnings = []
    for s in states:
        if s.level == "exceeded":
            block = "new calls are refused" if s.budget.hard else "calls are not blocked (soft)"
            warnings.append(f"The {s.label} of {money(s.limit_usd)} is used up; {block}.")
        elif s.level == "warn":
            warnings.append(
                f"The {s.label} passed its warning level of {money(s.soft_limit_usd or 0)} "
                f"({money(s.spent_usd + s.reserved_usd)} of {money(s.limit_usd)})."
            )
    return BudgetStatus(budgets=states, warnings=warnings)
