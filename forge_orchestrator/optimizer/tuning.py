"""Optimizer rules that tune a step's settings: failure/timeout rates and oversized max_tokens."""

from __future__ import annotations

import math
from typing import Any

from sqlalchemy import Connection, case, func, select

from ..db.tables import token_ledger
from ..ledger.outcomes import count_sql
from .models import Suggestion, describe, unit_target
from .rules import FAILURE_RATE, MIN_CALLS, UNIT, Window, _in_window, _make, _usd

L = token_ledger.c
MAX_TOKENS_FACTOR = 4
MIN_MAX_TOKENS = 512


def ceil_to(value: float, step: int) -> int:
    return max(step, math.ceil(value / step) * step)


def rule_failure_rate(conn: Connection, w: Window) -> list[Suggestion]:
    # Budget refusals and stopped calls are not the provider failing (ledger/outcomes.py).
    failed = count_sql(L.status, L.outcome)[0]
    timed_out = case((L.status == "TIMEOUT", 1), else_=0)
    stmt = (
        select(
            *UNIT,
            L.provider,
            func.count().label("calls"),
            func.sum(failed).label("failures"),
            func.sum(timed_out).label("timeouts"),
            func.coalesce(func.sum(case((L.status != "SUCCESS", L.total_cost_usd))), 0.0).label(
                "wasted"
            ),
            func.max(L.latency_ms).label("max_latency"),
        )
        .where(_in_window(w))
        .group_by(*UNIT, L.provider)
    )
    out = []
    for r in conn.execute(stmt):
        calls, failures, timeouts = int(r.calls), int(r.failures), int(r.timeouts)
        rate = (failures + timeouts) / calls
        if calls < 2 * MIN_CALLS or rate < FAILURE_RATE:
            continue
        target = unit_target(r.flow_id, r.node_id, r.agent_role)
        mostly_timeouts = timeouts >= failures
        change: dict[str, Any]
        if target["type"] == "flow_node" and mostly_timeouts:
            timeout_s = ceil_to(2 * int(r.max_latency) / 1000, 30)
            change = {"op": "set_node_fields", "fields": {"timeout_s": timeout_s, "retries": 2}}
            fix = f"Raise the step's timeout to {timeout_s} s and retry twice."
        elif target["type"] == "flow_node":
            change = {"op": "set_node_fields", "fields": {"retries": 3}}
            fix = "Retry the step up to 3 times, or switch it to another provider."
        else:
            fix = (
                f"Raise the LLM timeout (FORGE_LLM_READ_TIMEOUT_S) or switch {r.agent_role} "
                f"to another provider than {r.provider}."
                if mostly_timeouts
                else f"Switch the {r.agent_role} role to another provider than {r.provider}, "
                "or raise FORGE_LLM_MAX_RETRIES."
            )
            change = {"op": "advice", "text": fix}
        out.append(
            _make(
                "failure_rate",
                target,
                f"{rate:.0%} of calls from {describe(target)} to {r.provider} fail",
                f"{failures} failed and {timeouts} timed out of {calls} calls to {r.provider} "
                f"in the window; the failed attempts cost ${float(r.wasted):.4f} and the "
                f"work had to be redone. {fix}",
                {
                    "calls": calls,
                    "provider": r.provider,
                    "failures": failures,
                    "timeouts": timeouts,
                    "failure_rate": round(rate, 4),
                    "max_latency_ms": int(r.max_latency),
                    "wasted_usd": _usd(float(r.wasted)),
                },
                float(r.wasted) * w.monthly_factor,
                change,
            )
        )
    return out


def rule_max_tokens(conn: Connection, w: Window) -> list[Suggestion]:
    stmt = (
        select(
            *UNIT,
            func.count().label("calls"),
            func.max(L.max_tokens).label("max_tokens"),
            func.max(L.output_tokens).label("max_out"),
            func.avg(L.output_tokens).label("avg_out"),
        )
        .where(_in_window(w), L.status == "SUCCESS", L.max_tokens.is_not(None))
        .group_by(*UNIT)
    )
    out = []
    for r in conn.execute(stmt):
        setting, max_out = int(r.max_tokens), int(r.max_out)
        if int(r.calls) < 2 * MIN_CALLS or setting < MIN_MAX_TOKENS:
            continue
        if setting < MAX_TOKENS_FACTOR * max(1, max_out):
            continue
        new = ceil_to(2 * max_out, 256)
        target = unit_target(r.flow_id, r.node_id, r.agent_role)
        change: dict[str, Any] = (
            {"op": "set_node_fields", "fields": {"max_tokens": new}}
            if target["type"] == "flow_node"
            else {"op": "advice", "text": f"Ask for max_tokens={new} in this role's calls."}
        )
        out.append(
            _make(
                "max_tokens",
                target,
                f"Lower max_tokens of {describe(target)} from {setting} to {new}",
                f"Over {r.calls} calls the longest answer was {max_out} tokens (average "
                f"{float(r.avg_out):.0f}) while max_tokens is {setting}. Budgets reserve the "
                f"worst case, max_tokens x the output price, before each call; {new} keeps "
                "twice the longest answer as headroom and frees the rest of the reservation. "
                "Tokens not generated are not billed, so the direct saving is $0.",
                {
                    "calls": int(r.calls),
                    "max_tokens": setting,
                    "max_output_tokens": max_out,
                    "avg_output_tokens": round(float(r.avg_out), 1),
                    "suggested_max_tokens": new,
                },
                0.0,
                change,
            )
        )
    return out
