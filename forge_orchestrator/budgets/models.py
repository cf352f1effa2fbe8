"""Budget definitions and status shapes, with the validation a PUT /api/budgets body gets."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Scope = Literal["global", "flow", "provider"]
Period = Literal["day", "month"]
Level = Literal["ok", "warn", "exceeded"]


class BudgetSpec(BaseModel):
    scope: Scope
    target: str | None = Field(None, max_length=200)
    period: Period
    # Any positive amount, sub-cent included (a $0.033 test budget); stored as a float.
    limit_usd: float = Field(gt=0, le=1_000_000)
    soft_limit_usd: float | None = Field(None, gt=0, le=1_000_000)
    hard: bool = True

    @model_validator(mode="after")
    def _consistent(self) -> BudgetSpec:
        if self.scope == "global" and self.target:
            raise ValueError("a global budget has no target")
        if self.scope != "global" and not (self.target and self.target.strip()):
            raise ValueError(f"a {self.scope} budget needs a target ({self.scope} id or name)")
        if self.soft_limit_usd is not None and self.soft_limit_usd > self.limit_usd:
            raise ValueError("soft_limit_usd must not exceed limit_usd")
        return self

    def label(self) -> str:
        span = "daily" if self.period == "day" else "monthly"
        where = "global" if self.scope == "global" else f"{self.scope} {self.target}"
        return f"{where} {span} budget"


class Budget(BudgetSpec):
    # A response always carries its defaulted fields: the OpenAPI says so (required).
    model_config = ConfigDict(json_schema_serialization_defaults_required=True)

    id: int


class BudgetSet(BaseModel):
    budgets: list[BudgetSpec] = Field(default_factory=list, max_length=200)

    @model_validator(mode="after")
    def _unique(self) -> BudgetSet:
        seen: set[tuple[str, str | None, str]] = set()
        for b in self.budgets:
            key = (b.scope, b.target, b.period)
            if key in seen:
                raise ValueError(f"two budgets for the same scope and period: {b.label()}")
            seen.add(key)
        return self


class BudgetList(BaseModel):
    budgets: list[Budget]


class BudgetState(BaseModel):
    budget: Budget
    label: str
    period_start: str
    resets_at: str
    limit_usd: float
    soft_limit_usd: float | None
    spent_usd: float
    reserved_usd: float
    remaining_usd: float
    average_call_usd: float | None
    remaining_calls: int | None
    used_fraction: float
    level: Level


class BudgetStatus(BaseModel):
    budgets: list[BudgetState]
    warnings: list[str]


def money(value: float) -> str:
    """Dollars to the micro-dollar, trailing zeros dropped (at least cents): a $0.033 limit
    reads "$0.033", not a rounded "$0.03"; 5 reads "$5.00"."""
    whole, frac = f"{abs(value):,.6f}".split(".")
    sign = "-" if value < 0 else ""
    return f"{sign}${whole}.{frac.rstrip('0').ljust(2, '0')}"


def period_bounds(period: Period, now: datetime) -> tuple[datetime, datetime]:
    """The current UTC day or calendar month as [start, end)."""
    if period == "day":
        start = now.replace(hour=0, minute=0, second=0, microsecond=0)
        return start, start + timedelta(days=1)
    start = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    nxt = (
        start.replace(year=start.year + 1, month=1)
        if start.month == 12
        else start.replace(month=start.month + 1)
    )
    return start, nxt
