"""A call's outcome detail beside the spec's status, and which FAILED rows count as failures.

The spec keeps three statuses (SUCCESS, FAILED, TIMEOUT). A budget refusal and a call the
user stopped are FAILED too, but neither is the provider or the setup failing, so summaries
count them apart (refusals, cancellations) instead of as failures.
"""

from __future__ import annotations

from typing import Any, Literal

from sqlalchemy import ColumnElement, case

Outcome = Literal[
    "ok",
    "budget_refused",
    "cancelled",
    "provider_error",
    "timeout",
    "not_configured",
    "invalid_request",
    "interrupted",
    "error",
]
REFUSED: Outcome = "budget_refused"
CANCELLED: Outcome = "cancelled"
NOT_FAILURES: tuple[Outcome, ...] = (REFUSED, CANCELLED)
# The one message budgets.py puts on a refusal; how rows from before this column are classified.
BUDGET_MESSAGE_PREFIX = "Budget exceeded:"


def counts(status: str, outcome: str | None) -> tuple[int, int, int]:
    """(failures, refusals, cancellations) one settled row adds to a summary."""
    if status != "FAILED":
        return 0, 0, 0
    if outcome == REFUSED:
        return 0, 1, 0
    if outcome == CANCELLED:
        return 0, 0, 1
    return 1, 0, 0


def count_sql(status: Any, outcome: Any) -> tuple[ColumnElement[Any], ...]:
    """The same three 0/1 figures as SQL expressions over a status and an outcome column."""
    failed = status == "FAILED"
    # NULL outcome (rows from imports) is a plain failure, as in ``counts``.
    plain = outcome.is_(None) | outcome.not_in(NOT_FAILURES)
    return (
        case((failed & plain, 1), else_=0),
        case((failed & (outcome == REFUSED), 1), else_=0),
        case((failed & (outcome == CANCELLED), 1), else_=0),
    )
