"""Each LLM call's prompt and answer: redacted, capped per side, stored beside its ledger row.

The capture is built before the write (redaction is CPU work, not database work) and inserted
in the transaction that settles the call's row, so a row and its capture land together.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, delete, insert, select

from ..db.engine import write_tx
from ..db.prepared import Prepared
from ..db.tables import llm_call_captures
from ..db.utils import utcnow
from ..settings import Settings
from ..text_safety import well_formed

C = llm_call_captures.c
# A key that straddles the cut is still whole in the slice redacted (keys are far shorter).
REDACT_SLACK_BYTES = 4096


def marker(dropped: int) -> str:
    return f"\n[… truncated by Forge: {dropped} more bytes not stored]"


@dataclass(frozen=True)
class CapturePolicy:
    """What the settings say: keep captures at all, how much of each side, for how long."""

    enabled: bool = True
    max_bytes: int = 64 * 1024
    retention_days: int = 30

    @classmethod
    def of(cls, settings: Settings) -> CapturePolicy:
        return cls(
            settings.capture_calls, settings.capture_max_bytes, settings.capture_retention_days
        )


@dataclass(frozen=True)
class Capture:
    request: str  # JSON list of {"role", "content"}
    response: str | None
    request_bytes: int  # the whole prompt's size, before the cap
    response_bytes: int
    request_truncated: bool
    response_truncated: bool


def _cut(text: str, limit: int) -> str:
    """At most ``limit`` UTF-8 bytes of ``text``, never splitting a character."""
    return text.encode("utf-8")[: max(0, limit)].decode("utf-8", "ignore")


def capped(text: str, limit: int, redact: Callable[[str], str]) -> tuple[str, bool]:
    """``text`` redacted and cut to ``limit`` bytes (with a marker saying how much was cut)."""
    text = well_formed(text)  # a model's lone surrogate has no UTF-8 form to store
    size = len(text.encode("utf-8"))
    clean = redact(_cut(text, limit + REDACT_SLACK_BYTES) if size > limit else text)
    clean_size = len(clean.encode("utf-8"))
    if size <= limit and clean_size <= limit:
        return clean, False
    kept = _cut(clean, limit)
    return kept + marker(size - len(kept.encode("utf-8"))), True


def build(
    system: str | None,
    messages: Sequence[tuple[str, str]],
    answer: str | None,
    redact: Callable[[str], str],
    max_bytes: int,
) -> Capture:
    """The prompt's messages share one budget of ``max_bytes``; the answer has its own."""
    prompt = ([("system", system)] if system else []) + list(messages)
    budget, out, truncated, total = max_bytes, [], False, 0
    for role, content in prompt:
        total += len(well_formed(content).encode("utf-8"))
        text, cut = capped(content, budget, redact)
        truncated = truncated or cut
        budget = max(0, budget - len(text.encode("utf-8")))
        out.append({"role": role, "content": text})
    reply, reply_cut = (None, False) if answer is None else capped(answer, max_bytes, redact)
    return Capture(
        request=json.dumps(out, ensure_ascii=False),
        response=reply,
        request_bytes=total,
        response_bytes=0 if answer is None else len(well_formed(answer).encode("utf-8")),
        request_truncated=truncated,
        response_truncated=reply_cut,
    )


_FIELDS = ("ledger_id", "created_at", *Capture.__dataclass_fields__)
# On every LLM call, in the settle's transaction: a statement built per call cost more than the
# settle itself (SQLAlchemy's per-statement coercion and cache key), so it is compiled once.
_INSERT = Prepared(insert(llm_call_captures), _FIELDS)


def store_in(conn: Connection, ledger_id: int, capture: Capture) -> None:
    """Insert in the caller's transaction (the one that settles the ledger row)."""
    _INSERT.execute(conn, {"ledger_id": ledger_id, "created_at": utcnow(), **vars(capture)}).close()


def load(conn: Connection, ledger_id: int) -> dict[str, Any] | None:
    """The stored capture with its messages parsed, or None if there is none."""
    row = conn.execute(select(llm_call_captures).where(C.ledger_id == ledger_id)).first()
    if row is None:
        return None
    out = dict(row._mapping)
    out["messages"] = json.loads(out.pop("request"))
    return out


def purge(engine: Engine, retention_days: int, now: datetime | None = None) -> int:
    """Delete captures older than the retention period; returns how many went."""
    cutoff = (now or utcnow()) - timedelta(days=retention_days)
    with write_tx(engine) as conn:
        return int(conn.execute(delete(llm_call_captures).where(C.created_at < cutoff)).rowcount)
