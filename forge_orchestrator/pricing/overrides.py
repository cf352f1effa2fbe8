"""User price overrides (add, edit, date-limit) and the combined price listing."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, Field, field_validator, model_validator
from sqlalchemy import Connection, Engine, delete, insert, select, update

from ..db.service import Database
from ..db.tables import price_overrides
from ..db.utils import UtcDateTime, utcnow
from ..errors import NotFound
from .book import Price, PriceBook, PriceSource, bundled_table

T = price_overrides.c


class PriceOverrideInput(BaseModel):
    """USD per 1M tokens; effective_from defaults to now; effective_until is exclusive.

    cache_write_extended_per_mtok is the longer-retention write (Anthropic 1 h, OpenAI 12 h);
    None bills those writes at cache_write_per_mtok.
    """

    provider: str = Field(min_length=1, max_length=100)
    model: str = Field(min_length=1, max_length=200)
    input_per_mtok: float = Field(ge=0, le=100_000)
    output_per_mtok: float = Field(ge=0, le=100_000)
    cached_input_per_mtok: float | None = Field(None, ge=0, le=100_000)
    cache_write_per_mtok: float | None = Field(None, ge=0, le=100_000)
    cache_write_extended_per_mtok: float | None = Field(None, ge=0, le=100_000)
    effective_from: datetime | None = None
    effective_until: datetime | None = None

    @field_validator("effective_from", "effective_until")
    @classmethod
    def _naive_utc(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.tzinfo is not None:
            return value.astimezone(UTC).replace(tzinfo=None)
        return value

    @model_validator(mode="after")
    def _window(self) -> PriceOverrideInput:
        start = self.effective_from
        if start is not None and self.effective_until is not None and self.effective_until <= start:
            raise ValueError("effective_until must be after effective_from")
        return self


class PriceRow(BaseModel):
    id: str = Field(description="bundled:<n> or override:<id>")
    source: PriceSource
    provider: str
    model: str
    aliases: list[str]
    input_per_mtok: float
    output_per_mtok: float
    cached_input_per_mtok: float | None
    cache_write_per_mtok: float | None
    cache_write_extended_per_mtok: float | None
    effective_from: UtcDateTime | None
    effective_until: UtcDateTime | None
    status: str
    notes: str
    in_effect: bool = Field(description="the price a call to this model made now would use")


class PriceTable(BaseModel):
    version: str
    prices: list[PriceRow]


def _price(row: Any) -> Price:
    return Price(
        provider=row.provider,
        model=row.model,
        input_per_mtok=row.input_per_mtok,
        output_per_mtok=row.output_per_mtok,
        cached_input_per_mtok=row.cached_input_per_mtok,
        cache_write_per_mtok=row.cache_write_per_mtok,
        cache_write_extended_per_mtok=row.cache_write_extended_per_mtok,
        effective_from=row.effective_from,
        effective_until=row.effective_until,
        source="override",
        status="override",
        override_id=row.id,
    )


def stored_overrides(conn: Connection) -> list[Price]:
    return [_price(r) for r in conn.execute(select(price_overrides).order_by(T.id))]


def load_overrides(engine: Engine) -> list[Price]:
    """:func:`stored_overrides` on a connection of its own: the book's fallback, for a lookup
    made before anything filled it (sync code, tests)."""
    with engine.connect() as conn:
        return stored_overrides(conn)


async def ready(db: Database, book: PriceBook) -> PriceBook:
    """The book with the user's overrides in memory, read through the service when start-up
    or a write left it without them (so its lookups read nothing themselves)."""
    if book.read_overrides is not None and not book.loaded:
        generation = book.generation
        book.fill(await db.read(book.read_overrides), generation)
    return book


def _row(p: Price, row_id: str, book: PriceBook, now: datetime) -> PriceRow:
    return PriceRow(
        id=row_id,
        source=p.source,
        provider=p.provider,
        model=p.model,
        aliases=list(p.aliases),
        input_per_mtok=p.input_per_mtok,
        output_per_mtok=p.output_per_mtok,
        cached_input_per_mtok=p.cached_input_per_mtok,
        cache_write_per_mtok=p.cache_write_per_mtok,
        cache_write_extended_per_mtok=p.cache_write_extended_per_mtok,
        effective_from=p.effective_from,
        effective_until=p.effective_until,
        status=p.status,
        notes=p.notes,
        in_effect=book.lookup(p.provider, p.model, now) == p,
    )


def price_table(book: PriceBook) -> PriceTable:
    """Overrides first (newest first), then the bundled rows in table order."""
    now = utcnow()
    overrides = sorted(book.overrides(), key=lambda p: -(p.override_id or 0))
    rows = [_row(p, f"override:{p.override_id}", book, now) for p in overrides]
    rows += [_row(p, f"bundled:{i}", book, now) for i, p in enumerate(bundled_table().prices)]
    return PriceTable(version=book.version, prices=rows)


def _values(data: PriceOverrideInput) -> dict[str, Any]:
    values = data.model_dump()
    values["effective_from"] = data.effective_from or utcnow()
    return values


def _get(book: PriceBook, override_id: int) -> PriceRow:
    found = next((p for p in book.overrides() if p.override_id == override_id), None)
    if found is None:
        raise NotFound(f"No price override {override_id}.")
    return _row(found, f"override:{override_id}", book, utcnow())


def insert_override(conn: Connection, data: PriceOverrideInput) -> int:
    result = conn.execute(insert(price_overrides).values(**_values(data), created_at=utcnow()))
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])


def change_override(conn: Connection, override_id: int, data: PriceOverrideInput) -> None:
    # One statement: a concurrent delete leaves nothing to update, and this says 404.
    changed = conn.execute(
        update(price_overrides).where(T.id == override_id).values(**_values(data))
    ).rowcount
    if not changed:
        raise NotFound(f"No price override {override_id}.")


def remove_override(conn: Connection, override_id: int) -> None:
    removed = conn.execute(delete(price_overrides).where(T.id == override_id)).rowcount
    if not removed:
        raise NotFound(f"No price override {override_id}.")


async def _reread(db: Database, book: PriceBook) -> PriceBook:
    """After a write has committed (never inside it: a group commit lands later): the book
    forgets its overrides and reads them again through the service. Returns a book over what
    was read, which the answer is computed on even if a later write made the shared book drop
    this read."""
    book.invalidate()
    generation = book.generation
    rows = await db.read(stored_overrides)
    book.fill(rows, generation)
    return PriceBook(load_overrides=lambda: rows, is_free=book.is_free)


async def create_override(db: Database, book: PriceBook, data: PriceOverrideInput) -> PriceRow:
    override_id = await db.write(lambda c: insert_override(c, data))
    return _get(await _reread(db, book), override_id)


async def update_override(
    db: Database, book: PriceBook, override_id: int, data: PriceOverrideInput
) -> PriceRow:
    await db.write(lambda c: change_override(c, override_id, data))
    return _get(await _reread(db, book), override_id)


async def delete_override(db: Database, book: PriceBook, override_id: int) -> None:
    await db.write(lambda c: remove_override(c, override_id))
    await _reread(db, book)
