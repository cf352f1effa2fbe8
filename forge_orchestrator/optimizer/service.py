"""Deterministic cost suggestions from the ledger; apply, dismiss and undo them."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine, func, insert, select, update

from ..db.engine import write_tx
from ..db.tables import optimization_actions, token_ledger
from ..db.utils import iso, utcnow
from ..errors import Conflict, NotFound, ValidationFailed
from ..pricing.book import PriceBook
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


def _window(engine: Engine, book: PriceBook, now: datetime) -> Window:
    since = now - timedelta(days=WINDOW_DAYS)
    with engine.connect() as conn:
        first = conn.execute(
            select(func.min(token_ledger.c.timestamp)).where(
                token_ledger.c.timestamp >= since, token_ledger.c.timestamp < now
            )
        ).scalar_one()
    # A young ledger covers fewer than 30 days: scale what it shows up to a month.
    span = (now - first).total_seconds() / 86400 if first is not None else WINDOW_DAYS
    span = min(WINDOW_DAYS, max(1.0, span))
    return Window(since=since, now=now, monthly_factor=30 / span, book=book)


def _latest_actions(engine: Engine) -> dict[str, Any]:
    """The newest live (not undone) action per suggestion."""
    with engine.connect() as conn:
        rows = conn.execute(
            select(optimization_actions).where(A.undone_at.is_(None)).order_by(A.id)
        ).all()
    return {r.suggestion_id: r for r in rows}


def compute(engine: Engine, book: PriceBook, now: datetime | None = None) -> list[Suggestion]:
    """Every rule's suggestions, biggest saving first; reads only."""
    w = _window(engine, book, now or utcnow())
    found: list[Suggestion] = []
    with engine.connect() as conn:
        for rule in RULES:
            found.extend(rule(conn, w))
    for s in found:
        targets.annotate(engine, s)
    found.sort(key=lambda s: (-s.monthly_savings_usd, s.kind, s.id))
    return found


def list_suggestions(
    engine: Engine, book: PriceBook, *, include_dismissed: bool = False, now: datetime | None = None
) -> SuggestionList:
    when = now or utcnow()
    actions = _latest_actions(engine)
    out = []
    for s in compute(engine, book, when):
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


def _find(engine: Engine, book: PriceBook, sid: str) -> Suggestion:
    for s in compute(engine, book):
        if s.id == sid:
            return s
    raise NotFound(f"No current suggestion {sid}; the ledger no longer supports it.")


def _record(engine: Engine, s: Suggestion, action: str, undo: dict[str, Any] | None) -> int:
    with write_tx(engine) as conn:
        live = conn.execute(
            select(A.id).where(A.suggestion_id == s.id, A.undone_at.is_(None))
        ).first()
        if live is not None:
            raise Conflict(f"Suggestion {s.id} was already applied or dismissed; undo that first.")
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


def apply(engine: Engine, book: PriceBook, sid: str) -> Action:
    s = _find(engine, book, sid)
    if sid in _latest_actions(engine):
        raise Conflict(f"Suggestion {sid} was already applied or dismissed; undo that first.")
    if not s.applicable:
        raise ValidationFailed(
            "This suggestion cannot be applied: "
            f"{s.change.get('note') or s.change.get('text') or 'no automatic change'}",
            details={"suggestion_id": sid},
        )
    undo = targets.apply_change(engine, s)
    return get_action(engine, _record(engine, s, "apply", undo))


def dismiss(engine: Engine, book: PriceBook, sid: str) -> Action:
    s = _find(engine, book, sid)
    return get_action(engine, _record(engine, s, "dismiss", None))


def undo(engine: Engine, action_id: int) -> Action:
    with engine.connect() as conn:
        row = conn.execute(select(optimization_actions).where(A.id == action_id)).first()
    if row is None:
        raise NotFound(f"No optimization action {action_id}")
    if row.undone_at is not None:
        raise Conflict(f"Action {action_id} was already undone")
    if row.action == "apply" and row.undo:
        targets.revert(engine, row.undo)
    with write_tx(engine) as conn:
        conn.execute(
            update(optimization_actions).where(A.id == action_id).values(undone_at=utcnow())
        )
    return get_action(engine, action_id)


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


def get_action(engine: Engine, action_id: int) -> Action:
    with engine.connect() as conn:
        row = conn.execute(select(optimization_actions).where(A.id == action_id)).first()
    if row is None:
        raise NotFound(f"No optimization action {action_id}")
    return _action(row)


def list_actions(engine: Engine, limit: int = 100) -> ActionList:
    with engine.connect() as conn:
        rows = conn.execute(select(optimization_actions).order_by(A.id.desc()).limit(limit)).all()
    return ActionList(actions=[_action(r) for r in rows])
