"""Each optimizer rule fires on a crafted ledger, stays silent on a clean one; apply and undo."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any, TypeVar

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select

from forge_orchestrator.commands.cards import create_card, get_card
from forge_orchestrator.commands.models import CardCreate
from forge_orchestrator.db.service import Database
from forge_orchestrator.db.tables import optimization_actions
from forge_orchestrator.db.utils import utcnow
from forge_orchestrator.errors import Conflict, ValidationFailed
from forge_orchestrator.flows.models import FlowCreate
from forge_orchestrator.flows.store import create_flow, get_flow, list_versions
from forge_orchestrator.llm.roles import get_role
from forge_orchestrator.optimizer import service as optimizer
from forge_orchestrator.pricing.book import PriceBook
from tests.conftest import assert_error_shape
from tests.flows.helpers import in_tx
from tests.ledger.conftest import add

_n = itertools.count()
BOOK = PriceBook()
T = TypeVar("T")


def served(engine: Engine, job: Callable[[Database], Awaitable[T]]) -> T:
    """``job`` with a database service over ``engine``, as the app runs it."""
    db = Database(engine)
    try:
        return asyncio.run(job(db))
    finally:
        db.close()


def apply(engine: Engine, sid: str) -> optimizer.Action:
    return served(engine, lambda db: optimizer.apply(db, BOOK, sid))


def undo(engine: Engine, action_id: int) -> optimizer.Action:
    return served(engine, lambda db: optimizer.undo(db, action_id))


def row(engine: Engine, **fields: Any) -> int:
    i = next(_n)
    values: dict[str, Any] = {
        "prompt_hash": f"{i:064x}",
        "timestamp": utcnow() - timedelta(hours=1, minutes=i % 50),
        "model_used": "gpt-6-luna",
        "input_tokens": 1000,
        "output_tokens": 100,
        "total_cost_usd": 0.00015,
        "max_tokens": 256,
    }
    values.update(fields)
    return add(engine, **values)


def kinds(engine: Engine) -> list[str]:
    return [
        s.kind for s in in_tx(engine, lambda c: optimizer.list_suggestions(c, BOOK)).suggestions
    ]


def one(engine: Engine, kind: str) -> optimizer.Suggestion:
    found = [
        s
        for s in in_tx(engine, lambda c: optimizer.list_suggestions(c, BOOK)).suggestions
        if s.kind == kind
    ]
    assert len(found) == 1, found
    return found[0]


def flow_with_llm_node(engine: Engine, **node_data: Any) -> int:
    data = {"prompt": "Summarise the release notes.", "model": "gpt-6.2-sol", "max_tokens": 4096}
    data.update(node_data)
    flow = in_tx(
        engine,
        lambda c: create_flow(
            c,
            FlowCreate(
                name="Digest",
                data={"nodes": [{"id": "summarize", "type": "llm", "data": data}], "edges": []},
            ),
        ),
    )
    return flow.id


def actions_count(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(
            conn.execute(select(func.count()).select_from(optimization_actions)).scalar_one()
        )


def test_clean_ledger_gives_no_suggestions(engine: Engine) -> None:
    for i in range(30):
        row(engine, agent_role="implementer", input_tokens=900 + i * 10, output_tokens=90 + i)
    assert kinds(engine) == []


def test_cheaper_model_for_a_role_apply_and_undo(engine: Engine) -> None:
    for _ in range(10):
        row(
            engine,
            agent_role="reviewer",
            model_used="gpt-6.2-sol",
            input_tokens=2000,
            output_tokens=50,
            total_cost_usd=0.0045,
        )
    s = one(engine, "cheaper_model")
    assert kinds(engine) == ["cheaper_model"]
    assert s.target == {"type": "agent_role", "role": "reviewer"}
    # The role has no model of its own: "from" is what its calls ran on.
    assert s.change["default_model"] == "gpt-6.1-terra" and s.change["from"] == "gpt-6.2-sol"
    # gpt-6.1-terra: $1/M in, $5/M out → 10 x (2000 + 250) / 1e6 = $0.0225 instead of $0.045.
    assert s.figures["cost_usd"] == pytest.approx(0.045)
    assert s.figures["cost_on_cheaper_usd"] == pytest.approx(0.0225)
    assert s.monthly_savings_usd == pytest.approx(0.0225 * 30)  # one day of data → x30
    assert s.id == one(engine, "cheaper_model").id  # stable, and the GET wrote nothing
    assert actions_count(engine) == 0

    action = apply(engine, s.id)
    role = get_role(engine, "reviewer")
    assert role is not None and role.default_model == "gpt-6.1-terra"
    again = one(engine, "cheaper_model")
    assert again.status == "applied" and again.action_id == action.id
    # The applied card still says what changed, not the role as it is now (terra → terra).
    assert (
        again.change["from"] == "gpt-6.2-sol" and again.change["default_model"] == "gpt-6.1-terra"
    )
    with pytest.raises(Conflict):
        apply(engine, s.id)
    undo(engine, action.id)
    role = get_role(engine, "reviewer")
    assert role is not None and role.default_model is None and not role.customized
    assert one(engine, "cheaper_model").status == "open"


def test_cheaper_model_on_a_flow_node_makes_a_new_version_and_undo_restores(
    engine: Engine,
) -> None:
    fid = flow_with_llm_node(engine, max_tokens=512)
    for _ in range(8):
        row(
            engine,
            flow_id=str(fid),
            node_id="summarize",
            model_used="gpt-6.2-sol",
            output_tokens=40,
            total_cost_usd=0.0024,
            max_tokens=512,
        )
    s = one(engine, "cheaper_model")
    assert s.target == {"type": "flow_node", "flow_id": str(fid), "node_id": "summarize"}
    assert s.change["fields"] == {"model": "gpt-6.1-terra"}
    assert s.change["from"] == {"model": "gpt-6.2-sol"} and s.applicable
    action = apply(engine, s.id)
    flow = in_tx(engine, lambda c: get_flow(c, fid))
    assert flow.version == 2 and flow.data["nodes"][0]["data"]["model"] == "gpt-6.1-terra"
    assert in_tx(engine, lambda c: list_versions(c, fid))[0].note == f"Optimizer: {s.title}"
    assert action.result == {"flow_id": fid, "flow_version": 2}
    assert [a.id for a in in_tx(engine, optimizer.list_actions).actions] == [action.id]
    undo(engine, action.id)
    flow = in_tx(engine, lambda c: get_flow(c, fid))
    assert flow.version == 3 and flow.data["nodes"][0]["data"]["model"] == "gpt-6.2-sol"
    with pytest.raises(Conflict):
        undo(engine, action.id)


def test_repeated_prompt_tags_the_saved_card(engine: Engine) -> None:
    ids = [row(engine, agent_role="architect", prompt_hash="a" * 64) for _ in range(6)]
    card = in_tx(
        engine,
        lambda c: create_card(
            c,
            CardCreate(
                name="List big files",
                command="du -sh * | sort -h",
                ledger_id=ids[0],
                source="architect",
            ),
        ),
    )
    s = one(engine, "repeated_prompt")
    assert kinds(engine) == ["repeated_prompt"]
    assert s.target == {"type": "command_card", "card_id": card.id}
    assert s.figures["calls"] == 6
    assert s.monthly_savings_usd == pytest.approx(0.00015 * 5 * 30)
    action = apply(engine, s.id)
    assert "reuse" in in_tx(engine, lambda c: get_card(c, card.id)).tags
    undo(engine, action.id)
    assert in_tx(engine, lambda c: get_card(c, card.id)).tags == []


def test_repeated_prompt_without_a_card_is_advice(engine: Engine) -> None:
    for _ in range(5):
        row(engine, agent_role="planner", prompt_hash="b" * 64)
    s = one(engine, "repeated_prompt")
    assert not s.applicable and s.change["op"] == "advice"
    with pytest.raises(ValidationFailed):
        apply(engine, s.id)


def test_long_prompts_far_above_the_median(engine: Engine) -> None:
    for _ in range(18):
        row(engine, agent_role="planner", input_tokens=1000)
    for _ in range(2):
        row(engine, agent_role="planner", input_tokens=10_000)
    s = one(engine, "long_prompt")
    assert kinds(engine) == ["long_prompt"]
    assert s.figures == {
        "calls": 20,
        "median_input_tokens": 1000,
        "long_calls": 2,
        "excess_input_tokens": 18_000,
    }
    # gpt-6-luna input is $0.10/M: 18,000 excess tokens → $0.0018 a day, x 30.
    assert s.monthly_savings_usd == pytest.approx(0.0018 * 30)


def test_timeouts_raise_the_steps_timeout(engine: Engine) -> None:
    fid = flow_with_llm_node(engine, model="gpt-6-luna", max_tokens=256)
    for i in range(10):
        timed_out = i < 4
        row(
            engine,
            flow_id=str(fid),
            node_id="summarize",
            status="TIMEOUT" if timed_out else "SUCCESS",
            latency_ms=30_000 if timed_out else 2_000,
            total_cost_usd=0.0 if timed_out else 0.00015,
        )
    s = one(engine, "failure_rate")
    assert kinds(engine) == ["failure_rate"]
    assert s.figures["timeouts"] == 4 and s.figures["failure_rate"] == 0.4
    assert s.change["fields"] == {"timeout_s": 60, "retries": 2}
    apply(engine, s.id)
    data = in_tx(engine, lambda c: get_flow(c, fid)).data["nodes"][0]["data"]
    assert (data["timeout_s"], data["retries"]) == (60, 2)


def test_max_tokens_far_above_outputs(engine: Engine) -> None:
    fid = flow_with_llm_node(engine, model="gpt-6-luna")
    for i in range(10):
        row(engine, flow_id=str(fid), node_id="summarize", output_tokens=60 + i, max_tokens=4096)
    s = one(engine, "max_tokens")
    assert kinds(engine) == ["max_tokens"]
    assert s.change["fields"] == {"max_tokens": 256} and s.change["from"] == {"max_tokens": 4096}
    assert s.monthly_savings_usd == 0
    apply(engine, s.id)
    assert in_tx(engine, lambda c: get_flow(c, fid)).data["nodes"][0]["data"]["max_tokens"] == 256
    # The flow already says 256 now: the (applied) suggestion is not applicable again.
    assert one(engine, "max_tokens").status == "applied"


def test_optimizations_api_apply_dismiss_undo(client: TestClient) -> None:
    engine = client.app.state.engine  # type: ignore[attr-defined]
    for _ in range(10):
        row(
            engine,
            agent_role="reviewer",
            model_used="gpt-6.2-sol",
            output_tokens=50,
            total_cost_usd=0.0025,
        )
    for _ in range(18):
        row(engine, agent_role="tester", input_tokens=1000)
    for _ in range(2):
        row(engine, agent_role="tester", input_tokens=9000)
    body = client.get("/api/optimizations").json()
    by_kind = {s["kind"]: s for s in body["suggestions"]}
    assert set(by_kind) == {"cheaper_model", "long_prompt"} and body["window_days"] == 30
    cheaper, long = by_kind["cheaper_model"], by_kind["long_prompt"]
    assert {
        "id",
        "kind",
        "title",
        "explanation",
        "figures",
        "monthly_savings_usd",
        "target",
        "change",
        "applicable",
        "status",
    } <= set(cheaper)
    applied = client.post(f"/api/optimizations/{cheaper['id']}/apply")
    assert applied.status_code == 200, applied.text
    dismissed = client.post(f"/api/optimizations/{long['id']}/dismiss")
    assert dismissed.json()["action"] == "dismiss"
    listed = client.get("/api/optimizations").json()["suggestions"]
    assert [(s["kind"], s["status"]) for s in listed] == [("cheaper_model", "applied")]
    with_dismissed = client.get("/api/optimizations", params={"include_dismissed": True}).json()
    assert len(with_dismissed["suggestions"]) == 2
    undo = client.post(f"/api/optimizations/actions/{applied.json()['id']}/undo")
    assert undo.status_code == 200 and undo.json()["undone_at"]
    history = client.get("/api/optimizations/actions").json()["actions"]
    assert [a["action"] for a in history] == ["dismiss", "apply"]
    missing = client.post("/api/optimizations/0123456789abcdef/apply")
    assert missing.status_code == 404
    assert_error_shape(missing.json(), "not_found")
    assert client.post("/api/optimizations/nothex/apply").status_code == 422
    assert client.post("/api/optimizations/actions/999/undo").status_code == 404
