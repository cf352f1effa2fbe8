"""Command cards in the database: create, read, search, update, delete and export, each in the
caller's transaction (``db.read`` / ``db.write``)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from pydantic_core import from_json
from sqlalchemy import (
    JSON,
    Connection,
    Select,
    Text,
    delete,
    func,
    insert,
    select,
    type_coerce,
    update,
)

from ..db.prepared import Prepared
from ..db.tables import command_cards, command_runs
from ..db.utils import iso, utcnow
from ..errors import NotFound, ValidationFailed
from ..request_limits import MAX_JSON_DEPTH, value_depth
from .models import (
    Card,
    CardCreate,
    CardUpdate,
    ExportBundle,
    LastRun,
    RiskVerdict,
    Variable,
)
from .nested import merge_nested
from .risk import analyze_template
from .variables import declare, nested_reasons

# An export wraps each explanation in three levels (bundle, card list, card): what a card
# accepts must import again after export, within the request depth limit, with room to spare.
EXPLANATION_MAX_DEPTH = MAX_JSON_DEPTH - 16


def _last_runs_of(card_ids: Sequence[int] | None) -> Select[Any]:
    newest = select(func.max(command_runs.c.id).label("id")).where(
        command_runs.c.card_id.is_not(None)
    )
    if card_ids is not None:
        newest = newest.where(command_runs.c.card_id.in_(card_ids))
    newest_sq = newest.group_by(command_runs.c.card_id).subquery()
    return select(command_runs).where(command_runs.c.id.in_(select(newest_sq.c.id)))


# Built once: a new anonymous subquery per list cost a name from os.urandom and a fresh compile.
_ALL_LAST_RUNS = _last_runs_of(None)


def _last_runs(conn: Connection, card_ids: Sequence[int] | None) -> dict[int, dict[str, Any]]:
    """Each card's newest run, as the JSON-ready fields of LastRun."""
    stmt = _ALL_LAST_RUNS if card_ids is None else _last_runs_of(card_ids)
    rows = conn.execute(stmt).mappings().all()
    return {
        r["card_id"]: {
            "id": r["id"],
            "status": r["status"],
            "exit_code": r["exit_code"],
            "started_at": iso(r["started_at"]) or "",
            "finished_at": iso(r["finished_at"]),
            "duration_ms": r["duration_ms"],
        }
        for r in rows
    }


def _readable(explanation: Any) -> Any:
    # Older versions stored any depth; past ~255 levels pydantic cannot serialize it, and one
    # such card made every list and export fail. Show a note instead; the card stays usable.
    if value_depth(explanation) > EXPLANATION_MAX_DEPTH:
        return {"note": f"explanation nested more than {EXPLANATION_MAX_DEPTH} levels; not shown"}
    return explanation


_VARIABLE_DEFAULTS = {name: f.default for name, f in Variable.model_fields.items()}


def card_json(row: Any, last_run: dict[str, Any] | None) -> dict[str, Any]:
    """A stored card as the JSON-ready fields of Card, in its field order. No validation: a
    stored row was validated when it was written, and validating each row again was ~40 % of
    GET /api/commands (100 cards) at 32 clients."""
    return {
        "name": row["name"],
        "command": row["command"],
        "description": row["description"] or "",
        "tags": list(row["tags"] or []),
        "shell": row["shell"],
        "cwd": row["cwd"],
        "variables": [{**_VARIABLE_DEFAULTS, **v} for v in row["variables"] or []],
        "source": row["source"],
        "prompt": row["prompt"],
        "provider": row["provider"],
        "model": row["model"],
        "ledger_id": row["ledger_id"],
        "explanation": _readable(row["explanation"]),
        "id": row["id"],
        "risk": {"level": row["risk_level"], "reasons": list(row["risk_reasons"] or [])},
        "last_run": last_run,
        "created_at": iso(row["created_at"]) or "",
        "updated_at": iso(row["updated_at"]) or "",
    }


def _to_card(row: Any, last_run: dict[str, Any] | None) -> Card:
    return _card_model(card_json(row, last_run))


def _card_model(fields: dict[str, Any]) -> Card:
    last_run = fields["last_run"]
    return Card.model_construct(
        **{
            **fields,
            "variables": [Variable.model_construct(**v) for v in fields["variables"]],
            "risk": RiskVerdict.model_construct(**fields["risk"]),
            "last_run": None if last_run is None else LastRun.model_construct(**last_run),
        }
    )


def template_verdict(command: str) -> RiskVerdict:
    """A card command's risk, including placeholders a nested interpreter would parse
    (bash -c '…{{x}}…'), which need a typed confirmation."""
    return merge_nested(analyze_template(command), nested_reasons(command))


def _derived(command: str, variables: Iterable[Variable]) -> dict[str, Any]:
    """Columns computed from the command: the full variable list and the risk verdict."""
    verdict = template_verdict(command)
    return {
        "variables": [v.model_dump() for v in declare(command, list(variables))],
        "risk_level": verdict.level,
        "risk_reasons": verdict.reasons,
    }


def card_values(data: CardCreate) -> dict[str, Any]:
    """The row for a new card: its fields plus what the command implies (risk, variables).

    Pure computation (the risk analysis parses the command), kept out of the write transaction.
    """
    if value_depth(data.explanation) > EXPLANATION_MAX_DEPTH:
        raise ValidationFailed(
            f"explanation: must not nest more than {EXPLANATION_MAX_DEPTH} levels deep",
            details=[{"loc": ["explanation"], "msg": "nested too deep", "type": "too_deep"}],
        )
    now = utcnow()
    values = data.model_dump(exclude={"variables"})
    values.update(_derived(data.command, data.variables), created_at=now, updated_at=now)
    return values


_CARD_COLUMNS = [c.name for c in command_cards.columns if c.name != "id"]
# Compiled once: the Architect stores a card on every generation.
_INSERT_CARD = Prepared(insert(command_cards).returning(command_cards.c.id), _CARD_COLUMNS)


def insert_card(conn: Connection, values: dict[str, Any]) -> Card:
    """Store a row made by :func:`card_values`; the card is built from it (no runs yet)."""
    cursor = _INSERT_CARD.execute(conn, values)
    try:
        card_id = int(cursor.fetchone()[0])
    finally:
        cursor.close()
    return _to_card({**values, "id": card_id}, None)


def _fetch(conn: Connection, card_id: int, *, for_update: bool = False) -> Card:
    query = select(command_cards).where(command_cards.c.id == card_id)
    if for_update:
        # PostgreSQL: a second writer of this card waits here, then reads what the first wrote
        # (an update merges into the card as it is; a second delete finds it gone: 404).
        # SQLite renders no FOR UPDATE: the write transaction holds the database-wide lock.
        query = query.with_for_update()
    found = conn.execute(query).mappings().first()
    if found is None:
        raise NotFound(f"Command card {card_id} not found", details={"card_id": card_id})
    return _to_card(found, _last_runs(conn, [card_id]).get(card_id))


def create_card(conn: Connection, data: CardCreate) -> Card:
    """Store a new card (risk and undeclared placeholders are derived from the command)."""
    return insert_card(conn, card_values(data))


def get_card(conn: Connection, card_id: int) -> Card:
    return _fetch(conn, card_id)


fetch_card = get_card  # the name the run start-up and the Architect use


def _matches(card: dict[str, Any], needle: str) -> bool:
    haystack = (card["name"], card["command"], card["description"], *card["tags"])
    return any(needle in part.lower() for part in haystack)


def list_cards(conn: Connection, *, q: str | None = None, tag: str | None = None) -> list[Card]:
    """Cards, newest edit first; `q` matches name, command, description or tags (any case)."""
    return [_card_model(c) for c in card_list(conn, q=q, tag=tag)]


def _parsed(text: Any) -> Any:
    if not isinstance(text, str):
        # None, or a bare number (explanation 5): SQLite's column affinity stored it as one.
        return text
    try:
        return from_json(text)
    except ValueError:  # what pydantic's parser refuses (a lone surrogate): the stdlib's reading
        return json.loads(text)


# The JSON columns are read as text and parsed by pydantic's parser: the stdlib json.loads of
# four columns per card was a third of a 100-card list (profiled), pydantic's is ~5x faster.
_JSON_COLUMNS = [c.name for c in command_cards.columns if isinstance(c.type, JSON)]
_LIST_CARDS = select(
    *[type_coerce(c, Text).label(c.name) if c.name in _JSON_COLUMNS else c for c in command_cards.c]
).order_by(command_cards.c.updated_at.desc(), command_cards.c.id.desc())


def card_list(
    conn: Connection, *, q: str | None = None, tag: str | None = None
) -> list[dict[str, Any]]:
    """:func:`list_cards` as the cards' JSON-ready fields (see :func:`card_json`)."""
    rows = []
    for row in conn.execute(_LIST_CARDS).mappings().all():  # one fetchall, not one per row
        parsed = {name: _parsed(row[name]) for name in _JSON_COLUMNS}
        rows.append({**row, **parsed})
    last = _last_runs(conn, None)
    out = [card_json(row, last.get(row["id"])) for row in rows]
    needle = (q or "").strip().lower()
    if needle:
        out = [c for c in out if _matches(c, needle)]
    if tag:
        out = [c for c in out if tag in c["tags"]]
    return out


def all_tags(conn: Connection) -> list[str]:
    tag_lists = conn.execute(select(command_cards.c.tags)).scalars()
    return sorted({t for tags in tag_lists for t in tags or []}, key=str.lower)


def update_card(conn: Connection, card_id: int, data: CardUpdate) -> Card:
    """Change the given fields; risk and variables are recomputed from the result (so the card
    is read locked: another update's command must not be merged with this one's stale risk)."""
    changes = data.model_dump(exclude_unset=True)
    current = _fetch(conn, card_id, for_update=True)
    merged = CardCreate.model_validate(
        {**current.model_dump(include=set(CardCreate.model_fields)), **changes}
    )
    values = merged.model_dump(include=set(changes) - {"variables"})
    values.update(_derived(merged.command, merged.variables), updated_at=utcnow())
    conn.execute(update(command_cards).where(command_cards.c.id == card_id).values(**values))
    return _fetch(conn, card_id)


def delete_card(conn: Connection, card_id: int) -> None:
    """Delete a card; its run history stays, detached from the card."""
    _fetch(conn, card_id, for_update=True)
    conn.execute(update(command_runs).where(command_runs.c.card_id == card_id).values(card_id=None))
    conn.execute(delete(command_cards).where(command_cards.c.id == card_id))


def replace_card_in(conn: Connection, old_id: int, new_id: int) -> None:
    """Delete card ``old_id`` in favour of ``new_id`` (a revision of it), inside the caller's
    transaction: its runs move to the new card, so the replacement keeps the history."""
    _fetch(conn, old_id, for_update=True)
    _fetch(conn, new_id)
    conn.execute(
        update(command_runs).where(command_runs.c.card_id == old_id).values(card_id=new_id)
    )
    conn.execute(delete(command_cards).where(command_cards.c.id == old_id))


def export_cards(conn: Connection) -> ExportBundle:
    cards = list_cards(conn)
    cards.reverse()  # oldest first, so an import keeps the original order
    return ExportBundle(
        cards=[
            CardCreate.model_validate(c.model_dump(include=set(CardCreate.model_fields)))
            for c in cards
        ]
    )
