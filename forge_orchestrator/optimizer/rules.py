"""The optimizer's five rules: each reads ledger aggregates in SQL and returns suggestions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, and_, case, func, literal, or_, select

from ..db.tables import command_cards, token_ledger
from ..ledger.reprice import usage_cost
from ..pricing.book import Price, PriceBook, bundled_table
from ..pricing.usage import Usage
from .models import Kind, Suggestion, describe, suggestion_id, unit_target

L = token_ledger.c
MIN_CALLS = 5
SHORT_OUTPUT_TOKENS = 300
FAILURE_RATE = 0.2
LONG_PROMPT_FACTOR = 3
MAX_TOKENS_FACTOR = 4


@dataclass(frozen=True)
class Window:
    since: datetime
    now: datetime
    monthly_factor: float  # scales the window's figures to 30 days
    book: PriceBook


def _usd(value: float) -> float:
    return round(value, 6)


def _in_window(w: Window) -> ColumnElement[bool]:
    has_unit = or_(and_(L.flow_id.is_not(None), L.node_id.is_not(None)), L.agent_role.is_not(None))
    return and_(L.timestamp >= w.since, L.timestamp < w.now, has_unit)


UNIT = (L.flow_id, L.node_id, L.agent_role)


def _make(
    kind: Kind,
    target: dict[str, Any],
    title: str,
    explanation: str,
    figures: dict[str, Any],
    savings: float,
    change: dict[str, Any],
) -> Suggestion:
    return Suggestion(
        id=suggestion_id(kind, target),
        kind=kind,
        title=title,
        explanation=explanation,
        figures=figures,
        monthly_savings_usd=_usd(max(0.0, savings)),
        target=target,
        change=change,
        applicable=change.get("op") != "advice",
    )


def cheaper_sibling(book: PriceBook, current: Price) -> Price | None:
    """The next cheaper active model of the same provider (one step down, not the cheapest)."""
    best: Price | None = None
    names = sorted({p.model for p in bundled_table().prices if p.provider == current.provider})
    for name in names:
        p = book.lookup(current.provider, name)
        if p is None or p.status != "active" or p.model == current.model:
            continue
        cheaper = (
            p.input_per_mtok < current.input_per_mtok
            and p.output_per_mtok < current.output_per_mtok
        )
        higher = best is None or (p.output_per_mtok, p.model) > (best.output_per_mtok, best.model)
        if cheaper and higher:
            best = p
    return best


def rule_cheaper_model(conn: Connection, w: Window) -> list[Suggestion]:
    stmt = (
        select(
            *UNIT,
            L.provider,
            L.model_used,
            func.count().label("calls"),
            func.sum(L.input_tokens).label("inp"),
            func.sum(L.output_tokens).label("out"),
            func.sum(L.cached_input_tokens).label("cached"),
            func.sum(L.cache_write_tokens).label("written"),
            func.coalesce(func.sum(L.total_cost_usd), 0.0).label("cost"),
            func.max(L.output_tokens).label("max_out"),
        )
        .where(_in_window(w), L.status == "SUCCESS", L.total_cost_usd.is_not(None))
        .group_by(*UNIT, L.provider, L.model_used)
    )
    best: dict[str, tuple[dict[str, Any], Any]] = {}
    for r in conn.execute(stmt):
        target = unit_target(r.flow_id, r.node_id, r.agent_role)
        key = suggestion_id("cheaper_model", target)
        if key not in best or float(r.cost) > float(best[key][1].cost):
            best[key] = (target, r)
    out = []
    for target, r in best.values():
        avg_out = int(r.out) / int(r.calls)
        current = w.book.lookup(r.provider, r.model_used)
        if int(r.calls) < MIN_CALLS or avg_out > SHORT_OUTPUT_TOKENS or current is None:
            continue
        cheaper = cheaper_sibling(w.book, current)
        if cheaper is None:
            continue
        usage = Usage(
            input_tokens=int(r.inp),
            output_tokens=int(r.out),
            cached_input_tokens=int(r.cached),
            cache_write_tokens=int(r.written),
        )
        would = usage_cost(cheaper, usage, long=False)
        saved = (float(r.cost) - would) * w.monthly_factor
        if saved <= 0:
            continue
        change = (
            {
                "op": "set_node_fields",
                "fields": {"model": cheaper.model},
                "from": {"model": r.model_used},
            }
            if target["type"] == "flow_node"
            else {"op": "set_role_model", "default_model": cheaper.model, "from": r.model_used}
        )
        out.append(
            _make(
                "cheaper_model",
                target,
                f"Use {cheaper.model} for {describe(target)}",
                f"{describe(target).capitalize()} averaged {avg_out:.0f} output tokens over "
                f"{r.calls} calls on {r.model_used}. Short answers rarely need the bigger "
                f"model; the same usage on {cheaper.model} would have cost ${would:.4f} "
                f"instead of ${float(r.cost):.4f}.",
                {
                    "calls": int(r.calls),
                    "model": r.model_used,
                    "avg_output_tokens": round(avg_out, 1),
                    "max_output_tokens": int(r.max_out),
                    "input_tokens": int(r.inp),
                    "output_tokens": int(r.out),
                    "cost_usd": _usd(float(r.cost)),
                    "cost_on_cheaper_usd": _usd(would),
                    "cheaper_model": cheaper.model,
                },
                saved,
                change,
            )
        )
    return out


def rule_repeated_prompt(conn: Connection, w: Window) -> list[Suggestion]:
    stmt = (
        select(
            L.prompt_hash,
            *UNIT,
            func.count().label("calls"),
            func.coalesce(func.sum(L.total_cost_usd), 0.0).label("cost"),
        )
        .where(_in_window(w), L.status == "SUCCESS")
        .group_by(L.prompt_hash, *UNIT)
        .having(func.count() >= MIN_CALLS)
    )
    out = []
    for r in conn.execute(stmt):
        ids = select(L.id).where(_in_window(w), L.prompt_hash == r.prompt_hash)
        card = conn.execute(
            select(command_cards.c.id, command_cards.c.name, command_cards.c.tags)
            .where(command_cards.c.ledger_id.in_(ids))
            .order_by(command_cards.c.id)
            .limit(1)
        ).first()
        unit = unit_target(r.flow_id, r.node_id, r.agent_role)
        repeat_cost = float(r.cost) * (int(r.calls) - 1) / int(r.calls)
        figures = {
            "calls": int(r.calls),
            "prompt_hash": r.prompt_hash,
            "cost_usd": _usd(float(r.cost)),
            "repeat_cost_usd": _usd(repeat_cost),
        }
        if card is not None:
            target: dict[str, Any] = {"type": "command_card", "card_id": int(card.id)}
            figures["card_name"] = card.name
            tags = sorted({*(card.tags or []), "reuse"})
            change: dict[str, Any] = {"op": "update_card", "fields": {"tags": tags}}
            advice = f"The answer is already saved as command card “{card.name}”: run it "
            advice += (
                "instead of asking again. Applying tags the card “reuse” so it is easy to find."
            )
        else:
            target = {**unit, "prompt_hash": r.prompt_hash}
            change = {
                "op": "advice",
                "text": "Save the answer as a command card (or cache the step's output) "
                "and reuse it instead of sending the same prompt again.",
            }
            advice = change["text"]
        out.append(
            _make(
                "repeated_prompt",
                target,
                f"The same prompt was sent {r.calls} times by {describe(unit)}",
                f"{r.calls} identical requests (prompt hash {r.prompt_hash[:12]}…) cost "
                f"${float(r.cost):.4f}; every repeat after the first paid for an answer it "
                f"already had. {advice}",
                figures,
                repeat_cost * w.monthly_factor,
                change,
            )
        )
    return out


def _rank(n: ColumnElement[Any], pct: int) -> ColumnElement[Any]:
    return (n * pct + 99) // 100


def _unit_key() -> ColumnElement[Any]:
    # One equality key per unit, so the join below can use an automatic index.
    sep = literal("|")
    return (
        func.coalesce(L.flow_id, "")
        .concat(sep)
        .concat(func.coalesce(L.node_id, ""))
        .concat(sep)
        .concat(func.coalesce(L.agent_role, ""))
    )


def rule_long_prompt(conn: Connection, w: Window) -> list[Suggestion]:
    uk = _unit_key()
    ranked = (
        select(
            *UNIT,
            uk.label("uk"),
            L.provider,
            L.model_used,
            L.input_tokens,
            func.row_number().over(partition_by=uk, order_by=L.input_tokens).label("rn"),
            func.count().over(partition_by=uk).label("n"),
        )
        .where(_in_window(w))
        .cte("ranked")
    )
    r_ = ranked.c
    med = (
        select(
            r_.uk,
            func.max(r_.n).label("calls"),
            func.max(case((r_.rn == _rank(r_.n, 50), r_.input_tokens))).label("median"),
        )
        .group_by(r_.uk)
        .subquery("med")
    )
    # Every unit's calls far above its own median, summed per model (one statement).
    rows = conn.execute(
        select(
            r_.flow_id,
            r_.node_id,
            r_.agent_role,
            r_.provider,
            r_.model_used,
            med.c.calls,
            med.c.median,
            func.count().label("n"),
            func.sum(r_.input_tokens - med.c.median).label("excess"),
        )
        .select_from(ranked.join(med, r_.uk == med.c.uk))
        .where(
            med.c.calls >= 2 * MIN_CALLS,
            med.c.median > 0,
            r_.input_tokens > med.c.median * LONG_PROMPT_FACTOR,
        )
        .group_by(
            r_.flow_id,
            r_.node_id,
            r_.agent_role,
            r_.provider,
            r_.model_used,
            med.c.calls,
            med.c.median,
        )
        .order_by(r_.flow_id, r_.node_id, r_.agent_role, r_.provider, r_.model_used)
    ).all()
    units: dict[tuple[Any, Any, Any], list[Any]] = {}
    for r in rows:
        units.setdefault((r.flow_id, r.node_id, r.agent_role), []).append(r)
    out = []
    for group in units.values():
        m = group[0]
        limit = int(m.median) * LONG_PROMPT_FACTOR
        n_long = sum(int(r.n) for r in group)
        if n_long < 2:
            continue
        excess = sum(int(r.excess) for r in group)
        saved = 0.0
        for r in group:
            price = w.book.lookup(r.provider, r.model_used)
            if price is not None:
                saved += usage_cost(price, Usage(input_tokens=int(r.excess)), long=False)
        target = unit_target(m.flow_id, m.node_id, m.agent_role)
        out.append(
            _make(
                "long_prompt",
                target,
                f"Trim the long prompts of {describe(target)}",
                f"{n_long} of {m.calls} prompts to {describe(target)} were more than "
                f"{LONG_PROMPT_FACTOR}x its median of {m.median} input tokens, "
                f"{excess} tokens above the median in all. Trim the context you send "
                f"(whole files, long logs) to about {limit} tokens.",
                {
                    "calls": int(m.calls),
                    "median_input_tokens": int(m.median),
                    "long_calls": n_long,
                    "excess_input_tokens": excess,
                },
                saved * w.monthly_factor,
                {
                    "op": "advice",
                    "text": f"Keep prompts under about {limit} input tokens.",
                    "max_input_tokens": limit,
                },
            )
        )
    return out
