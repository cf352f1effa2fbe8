"""Deterministic cost suggestions from the ledger; apply, dismiss and undo them.

Suggestions are computed on a database reader; applying, dismissing and undoing are each one
write transaction through the database service (the check that nothing is applied yet, the
change and its record together).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, func, insert, select, update

from ..db.locks import lock_against_writers
from ..db.service import Database
from ..db.tables import optimization_actions, token_ledger
from ..db.utils import iso, utcnow
from ..errors import Conflict, NotFound, ValidationFailed
from ..llm import roles
from ..pricing.book import PriceBook
from ..pricing.overrides import ready
from . import targets
from .models import Action, ActionList, Suggestion, SuggestionList
from .rules import Window, rule_cheaper_model, rule_long_prompt, rule_repeated_prompt
from .tuning import rule_failure_rate, rule_max_tokens

WINDOW_DAYS = 30
RULES = (
    rule_cheaper_model,
    rule_repeated_prompt,
    rule_long_prompt,
    rule_failure_rate,
    rule_max_tokens,
)
A = optimization_actions.c


def _window(conn: Connection, book: PriceBook, now: datetime) -> Window:
    since = now - timedelta(days=WINDOW_DAYS)
    first = conn.execute(
        select(func.min(token_ledger.c.timestamp)).where(
            token_ledger.c.timestamp >= since, token_ledger.c.timestamp < now
        )
    ).scalar_one()
    # A young ledger covers fewer than 30 days: scale what it shows up to a month.
    span = (now - first).total_seconds() / 86400 if first is not None else WINDOW_DAYS
    span = min(WINDOW_DAYS, max(1.0, span))
    return Window(since=since, now=now, monthly_factor=30 / span, book=book)


def _latest_actions(conn: Connection) -> dict[str, Any]:
    """The newest live (not undone) action per suggestion."""
    rows = conn.execute(
        select(optimization_actions).where(A.undone_at.is_(None)).order_by(A.id)
    ).all()
    return {r.suggestion_id: r for r in rows}


def compute(conn: Connection, book: PriceBook, now: datetime | None = None) -> list[Suggestion]:
    """Every rule's suggestions, biggest saving first; reads only."""
    w = _window(conn, book, now or utcnow())
    found: list[Suggestion] = []
    for rule in RULES:
        found.extend(rule(conn, w))
    for s in found:
        targets.annotate(conn, s)
    found.sort(key=lambda s: (-s.monthly_savings_usd, s.kind, s.id))
    return found


def list_suggestions(
    conn: Connection,
    book: PriceBook,
    *,
    include_dismissed: bool = False,
    now: datetime | None = None,
) -> SuggestionList:
    when = now or utcnow()
    actions = _latest_actions(conn)
    out = []
    for s in compute(conn, book, when):
        act = actions.get(s.id)
        if act is not None:
            s.status = "applied" if act.action == "apply" else "dismissed"
            s.action_id = act.id
            if act.action == "apply" and act.change:
                # What was changed, from → to, as it stood when applied (not re-read after).
                s.change = dict(act.change)
        if s.status != "dismissed" or include_dismissed:
            out.append(s)
    since = when - timedelta(days=WINDOW_DAYS)
    return SuggestionList(window_days=WINDOW_DAYS, since=iso(since) or "", suggestions=out)


def find(conn: Connection, book: PriceBook, sid: str) -> Suggestion:
    for s in compute(conn, book):
        if s.id == sid:
            return s
    raise NotFound(f"No current suggestion {sid}; the ledger no longer supports it.")


def _claim(conn: Connection, sid: str) -> None:
    """Conflict if the suggestion is applied or dismissed; else no other apply, dismiss or undo
    writes until this transaction ends (PostgreSQL: two applies at once would both find no
    live action and change the target twice; SQLite: the write lock already does this)."""
    lock_against_writers(conn, optimization_actions)
    live = conn.execute(select(A.id).where(A.suggestion_id == sid, A.undone_at.is_(None)))
    if live.first() is not None:
        raise Conflict(f"Suggestion {sid} was already applied or dismissed; undo that first.")


def _record(conn: Connection, s: Suggestion, action: str, undo: dict[str, Any] | None) -> int:
    new_id = conn.execute(
        insert(optimization_actions)
        .values(
            suggestion_id=s.id,
            action=action,
            kind=s.kind,
            title=s.title,
            target=s.target,
            change=s.change,
            undo=undo,
            created_at=utcnow(),
        )
        .returning(A.id)
    ).scalar_one()
    return int(new_id)


def apply_found(conn: Connection, s: Suggestion) -> Action:
    """Make the suggestion's change and record it, in one write transaction."""
    _claim(conn, s.id)
    if not s.applicable:
        raise ValidationFailed(
            "This suggestion cannot be applied: "
            f"{s.change.get('note') or s.change.get('text') or 'no automatic change'}",
            details={"suggestion_id": s.id},
        )
    undo = targets.apply_change(conn, s)
    return get_action(conn, _record(conn, s, "apply", undo))


def dismiss_found(conn: Connection, s: Suggestion) -> Action:
    _claim(conn, s.id)
    return get_action(conn, _record(conn, s, "dismiss", None))


def undo_action(conn: Connection, action_id: int) -> Action:
    """Revert an applied change and mark the action undone, in one write transaction."""
    # Taken before the row lock, as apply and dismiss take it, so that an undo and an apply
    # changing the same flow cannot each hold what the other waits for.
    lock_against_writers(conn, optimization_actions)
    row = conn.execute(
        select(optimization_actions).where(A.id == action_id).with_for_update()
    ).first()
    if row is None:
        raise NotFound(f"No optimization action {action_id}")
    if row.undone_at is not None:
        raise Conflict(f"Action {action_id} was already undone")
    if row.action == "apply" and row.undo:
        targets.revert(conn, row.undo)
    conn.execute(update(optimization_actions).where(A.id == action_id).values(undone_at=utcnow()))
    return get_action(conn, action_id)


async def suggestions(
    db: Database, book: PriceBook, *, include_dismissed: bool = False
) -> SuggestionList:
    await ready(db, book)
    return await db.read(lambda c: list_suggestions(c, book, include_dismissed=include_dismissed))


async def apply(db: Database, book: PriceBook, sid: str) -> Action:
    """Find the suggestion (a read: the rules scan the ledger), then apply it (a write)."""
    await ready(db, book)
    s = await db.read(lambda c: find(c, book, sid))
    # The change may be a role's default model: the remembered roles are forgotten once the
    # write has committed (outermost, after the await).
    with roles.forgetting():
        return await db.write(lambda c: apply_found(c, s))


async def dismiss(db: Database, book: PriceBook, sid: str) -> Action:
    await ready(db, book)
    s = await db.read(lambda c: find(c, book, sid))
    return await db.write(lambda c: dismiss_found(c, s))


async def undo(db: Database, action_id: int) -> Action:
    with roles.forgetting():
        return await db.write(lambda c: undo_action(c, action_id))


def _action(row: Any) -> Action:
    return Action(
        id=row.id,
        suggestion_id=row.suggestion_id,
        action=row.action,
        kind=row.kind,
        title=row.title,
        target=row.target,
        change=row.change,
        created_at=iso(row.created_at) or "",
        undone_at=iso(row.undone_at),
        result=(row.undo or {}).get("result") if row.undo else None,
    )


def get_action(conn: Connection, action_id: int) -> Action:
    row = conn.execute(select(optimization_actions).where(A.id == action_id)).first()
    if row is None:
        raise NotFound(f"No optimization action {action_id}")
    return _action(row)


def list_actions(conn: Connection, limit: int = 100) -> ActionList:
    rows = conn.execute(select(optimization_actions).order_by(A.id.desc()).limit(limit)).all()
    return ActionList(actions=[_action(r) for r in rows])
