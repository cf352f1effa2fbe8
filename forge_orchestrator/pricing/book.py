"""The dated price table: bundled prices plus user overrides, by provider, model and time."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any, Literal

from ..db.utils import utcnow
from .aliases import resolve_alias
from .usage import Usage

if TYPE_CHECKING:
    from sqlalchemy import Connection

PriceSource = Literal["bundled", "override", "local"]
_DATE_SUFFIX = re.compile(r"-(?:\d{4}-\d{2}-\d{2}|\d{8})$")


@dataclass(frozen=True)
class LongContext:
    """Whole-request surcharge once the prompt exceeds ``threshold`` tokens."""

    threshold: int
    input_multiplier: float
    output_multiplier: float


@dataclass(frozen=True)
class Price:
    """USD per 1M tokens. None cached/cache-write rates mean 'billed as plain input'.

    ``cache_write_per_mtok`` is the standard write (Anthropic 5 min, OpenAI 30 min);
    ``cache_write_extended_per_mtok`` the longer one (Anthropic 1 h, OpenAI 12 h), None
    meaning 'billed at the standard write rate'.
    """

    provider: str
    model: str
    input_per_mtok: float
    output_per_mtok: float
    cached_input_per_mtok: float | None = None
    cache_write_per_mtok: float | None = None
    cache_write_extended_per_mtok: float | None = None
    effective_from: datetime | None = None
    effective_until: datetime | None = None  # exclusive
    source: PriceSource = "bundled"
    aliases: tuple[str, ...] = ()
    status: str = "active"
    notes: str = ""
    long_context: LongContext | None = None
    override_id: int | None = None

    def covers(self, at: datetime) -> bool:
        if self.effective_from is not None and at < self.effective_from:
            return False
        return self.effective_until is None or at < self.effective_until

    def names(self) -> tuple[str, ...]:
        return (self.model, *self.aliases)


def cost(usage: Usage, price: Price) -> float:
    """Provider-reported usage times unit prices, in USD.

    usage.input_tokens is the whole prompt: the parts read from or written to the cache are
    billed at their own rates and the rest at the input rate. A long-context tier (the prompt,
    cache included, over its threshold) bills the whole request at its multipliers.
    """
    in_mult = out_mult = 1.0
    lc = price.long_context
    if lc is not None and usage.input_tokens > lc.threshold:
        in_mult, out_mult = lc.input_multiplier, lc.output_multiplier
    cached = max(0, usage.cached_input_tokens)
    written = max(0, usage.cache_write_tokens)
    extended = min(written, max(0, usage.cache_write_extended_tokens))
    uncached = max(0, usage.input_tokens - cached - written)
    cached_rate = _or(price.cached_input_per_mtok, price.input_per_mtok)
    write_rate = _or(price.cache_write_per_mtok, price.input_per_mtok)
    extended_rate = _or(price.cache_write_extended_per_mtok, write_rate)
    micro = (
        uncached * price.input_per_mtok
        + cached * cached_rate
        + (written - extended) * write_rate
        + extended * extended_rate
    ) * in_mult + usage.output_tokens * price.output_per_mtok * out_mult
    return round(micro / 1_000_000, 10)


def _or(rate: float | None, fallback: float) -> float:
    return fallback if rate is None else rate


def _date(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value)


def _bundled_row(row: dict[str, Any]) -> Price:
    lc = row.get("long_context")
    return Price(
        provider=row["provider"],
        model=row["model"],
        input_per_mtok=float(row["input_per_mtok"]),
        output_per_mtok=float(row["output_per_mtok"]),
        cached_input_per_mtok=row.get("cached_input_per_mtok"),
        cache_write_per_mtok=row.get("cache_write_per_mtok"),
        cache_write_extended_per_mtok=row.get("cache_write_extended_per_mtok"),
        effective_from=_date(row.get("effective_from")),
        effective_until=_date(row.get("effective_until")),
        aliases=tuple(row.get("aliases") or ()),
        status=row.get("status", "active"),
        notes=row.get("notes", ""),
        long_context=LongContext(**lc) if lc else None,
    )


@dataclass(frozen=True)
class BundledTable:
    version: str
    prices: tuple[Price, ...]


@cache
def bundled_table() -> BundledTable:
    raw = json.loads(resources.files(__package__).joinpath("data/prices.json").read_text("utf-8"))
    return BundledTable(raw["version"], tuple(_bundled_row(r) for r in raw["prices"]))


def _latest(candidates: Iterable[Price]) -> Price | None:
    best: Price | None = None
    for p in candidates:
        if best is None or (p.effective_from or datetime.min) > (
            best.effective_from or datetime.min
        ):
            best = p
    return best


@dataclass
class PriceBook:
    """Looks prices up; user overrides win over bundled rows effective at the same moment.

    ``load_overrides`` reads the override rows (from the database); the result is cached until
    ``invalidate()``. ``read_overrides(conn)`` reads the same rows on a caller's connection, so
    async code fills the book through the database service (``pricing.overrides.ready``)
    instead of a lookup reading on its own. ``is_free(provider)`` says whether a provider is
    local/free.
    """

    load_overrides: Callable[[], list[Price]] = list
    is_free: Callable[[str], bool] = lambda _p: False
    read_overrides: Callable[[Connection], list[Price]] | None = None
    _overrides: list[Price] | None = field(default=None, init=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False)
    _generation: int = field(default=0, init=False)  # moves on every invalidate()

    @property
    def version(self) -> str:
        return bundled_table().version

    @property
    def generation(self) -> int:
        """Read before reading the overrides, and hand to :meth:`fill` with what was read."""
        with self._lock:
            return self._generation

    @property
    def loaded(self) -> bool:
        return self._overrides is not None

    def invalidate(self) -> None:
        with self._lock:
            self._overrides = None
            self._generation += 1

    def fill(self, overrides: list[Price], generation: int) -> None:
        """Keep ``overrides``, read when ``generation`` was current: dropped if an override was
        written since (the read may have missed it)."""
        with self._lock:
            if generation == self._generation:
                self._overrides = list(overrides)

    def overrides(self) -> list[Price]:
        cached = self._overrides
        if cached is None:
            generation = self.generation
            cached = self.load_overrides()
            self.fill(cached, generation)
        return cached

    def lookup(self, provider: str, model: str, at: datetime | None = None) -> Price | None:
        """The price in force for ``model`` at ``at`` (default now), or None when unknown."""
        when = at or utcnow()
        for name in _candidate_names(model):
            found = _latest(
                p
                for p in self.overrides()
                if p.provider == provider and p.model == name and p.covers(when)
            ) or _latest(
                p
                for p in bundled_table().prices
                if p.provider == provider and name in p.names() and p.covers(when)
            )
            if found is not None:
                return found
        # A moving alias a provider echoed ("claude-opus-latest") costs what its model cost then.
        target = resolve_alias(provider, model, when)
        if target is not None and target != model:
            return self.lookup(provider, target, when)
        if self.is_free(provider):
            return Price(provider, model, 0.0, 0.0, 0.0, 0.0, source="local")
        return None

    def cost(self, usage: Usage, price: Price) -> float:
        return cost(usage, price)


def _candidate_names(model: str) -> tuple[str, ...]:
    # A dated snapshot we have no row for is priced like its base model.
    base = _DATE_SUFFIX.sub("", model)
    return (model,) if base == model else (model, base)
