"""Importing a card file: all or nothing, with cards already in the deck kept, skipped,
replaced or reported (a card is "already in the deck" when its name and command match)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, select, update

from ..db.locks import lock_against_writers
from ..db.tables import command_cards
from ..db.utils import utcnow
from ..errors import Conflict, ValidationFailed
from .cards import card_values, get_card, insert_card
from .models import ExportBundle, ImportResult, OnDuplicate

NAMES_SHOWN = 20


def _identity(name: str, command: str) -> tuple[str, str]:
    return name.strip(), command.strip()


def _existing(conn: Connection) -> dict[tuple[str, str], int]:
    """Each (name, command) in the deck and the oldest card that has it."""
    rows = conn.execute(
        select(command_cards.c.id, command_cards.c.name, command_cards.c.command).order_by(
            command_cards.c.id.desc()
        )
    )
    return {_identity(r.name, r.command): r.id for r in rows}


def _replace(conn: Connection, card_id: int, row: dict[str, Any]) -> None:
    # The card keeps its id, creation time and run history; everything else comes from the file.
    changes = {k: v for k, v in row.items() if k != "created_at"}
    changes["updated_at"] = utcnow()
    conn.execute(update(command_cards).where(command_cards.c.id == card_id).values(**changes))


def import_rows(bundle: ExportBundle) -> list[dict[str, Any]]:
    """The bundle's cards as rows (risk and variables derived): CPU work, done before the
    write so the database's writer is held only for the writes."""
    values = []
    for index, data in enumerate(bundle.cards):
        try:
            values.append(card_values(data))
        except ValidationFailed as exc:
            raise ValidationFailed(f"cards.{index}.{exc.message}", details=exc.details) from exc
    return values


def import_cards(
    conn: Connection, values: list[dict[str, Any]], on_duplicate: OnDuplicate = "keep"
) -> ImportResult:
    """Add the rows made by :func:`import_rows`, all or nothing (in the caller's transaction).

    `keep` adds every card (a duplicate becomes a second copy), `skip` leaves cards already in
    the deck alone, `replace` overwrites them from the file, and `ask` stores nothing and
    answers 409 `duplicate_cards` (with how many and which) when there is any duplicate.
    """
    created, replaced, skipped = [], [], 0
    if on_duplicate != "keep":
        # What is in the deck must stay so until this import commits: on PostgreSQL a second
        # import of the same file would otherwise find none of these cards and add them again.
        lock_against_writers(conn, command_cards)
    existing = _existing(conn) if on_duplicate != "keep" else {}
    matches = [existing.get(_identity(row["name"], row["command"])) for row in values]
    duplicates = [
        row["name"] for row, found in zip(values, matches, strict=True) if found is not None
    ]
    if on_duplicate == "ask" and duplicates:
        raise Conflict(
            f"{len(duplicates)} of {len(values)} cards are already in your deck "
            "(same name and command): choose to skip, replace or keep them",
            details={
                "duplicates": len(duplicates),
                "total": len(values),
                "names": duplicates[:NAMES_SHOWN],
            },
            code="duplicate_cards",
        )
    for row, found in zip(values, matches, strict=True):
        if found is None:
            created.append(insert_card(conn, row))
        elif on_duplicate == "replace":
            _replace(conn, found, row)
            replaced.append(get_card(conn, found))
        else:
            skipped += 1
    return ImportResult(
        created=len(created), skipped=skipped, replaced=len(replaced), cards=created + replaced
    )


def result_json(result: ImportResult) -> bytes:
    """The answer's JSON, a card at a time: one dump of thousands would hold the GIL (and so
    the event loop) throughout, where a worker thread doing this lets the loop in between."""
    parts = b",".join(card.model_dump_json().encode() for card in result.cards)
    counts = (result.created, result.skipped, result.replaced, parts)
    return b'{"created":%d,"skipped":%d,"replaced":%d,"cards":[%b]}' % counts
