"""Budgets, missing configuration, local servers, model listing and the worst-case estimate."""

from __future__ import annotations

import pytest
from sqlalchemy import Connection, Engine

from forge_orchestrator.errors import BudgetExceeded, NotConfigured, ProviderError
from forge_orchestrator.llm.gateway import Gateway
from forge_orchestrator.llm.provider_settings import CompatibleServer, ProvidersConfig
from forge_orchestrator.llm.types import CallContext, ChatMessage, LLMRequest
from tests.fakes.llm_server import FakeLLMServer, Reply

from .conftest import ledger_rows


def req(provider: str | None, model: str | None, max_tokens: int = 1024) -> LLMRequest:
    return LLMRequest(
        provider=provider,
        model=model,
        messages=[ChatMessage(role="user", content="hello")],
        max_tokens=max_tokens,
    )


class RecordingBudget:
    def __init__(self, limit: float) -> None:
        self.limit = limit
        self.reserved: list[tuple[str, str | None, float]] = []
        self.settled: list[object] = []

    def may_apply(self) -> bool:
        return True

    def applies(self, conn: Connection, *, provider: str, flow_id: str | None) -> bool:
        return self.limit >= 0

    def reserve_in(
        self, conn: Connection, *, provider: str, flow_id: str | None, amount_usd: float
    ) -> object:
        if amount_usd > self.limit:
            raise BudgetExceeded(f"The flow budget has ${self.limit:.2f} left.")
        self.reserved.append((provider, flow_id, amount_usd))
        return len(self.reserved)

    def settle_in(self, conn: Connection, reservation: object) -> None:
        self.settled.append(reservation)


async def test_budget_reserves_the_worst_case_and_settles_the_actual_cost(
    gateway: Gateway, engine: Engine, fake_llm_env: FakeLLMServer
) -> None:
    hook = RecordingBudget(limit=1.0)
    gateway.set_budget_hook(hook)
    fake_llm_env.script(Reply(input_tokens=10, output_tokens=5))
    r = req("openai", "gpt-6.2-sol", max_tokens=1000)
    estimate = gateway.estimate_cost(r)
    assert estimate is not None and estimate >= 1000 * 10.00 / 1_000_000
    result = await gateway.complete(r, CallContext(flow_id="flow-7"))
    assert hook.reserved == [("openai", "flow-7", estimate)]
    assert hook.settled == [1]
    [row] = ledger_rows(engine)  # released with the row that carries the actual cost
    assert row["total_cost_usd"] == pytest.approx(result.cost_usd)


async def test_calls_no_budget_covers_reserve_nothing(
    gateway: Gateway, engine: Engine, fake_llm_env: FakeLLMServer
) -> None:
    hook = RecordingBudget(limit=-1.0)  # applies() is False: no budget covers the call
    gateway.set_budget_hook(hook)
    result = await gateway.complete(req("openai", "gpt-6.2-sol"))
    assert result.text and hook.reserved == [] and hook.settled == []
    assert len(ledger_rows(engine)) == 1


async def test_budget_refusal_is_recorded_and_nothing_is_sent(
    gateway: Gateway, engine: Engine, fake_llm_env: FakeLLMServer
) -> None:
    gateway.set_budget_hook(RecordingBudget(limit=0.0))
    with pytest.raises(BudgetExceeded):
        await gateway.complete(req("anthropic", "claude-opus-5-5"))
    [row] = ledger_rows(engine)
    assert row["status"] == "FAILED" and "budget has $0.00 left" in row["error_message"]
    assert fake_llm_env.completion_requests() == []


async def test_missing_key_says_how_to_add_one_and_records_a_row(
    gateway: Gateway, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("OPENAI_API_KEY")
    with pytest.raises(NotConfigured) as caught:
        await gateway.complete(req("openai", "gpt-6.2-sol"))
    message = caught.value.message
    assert "forge-orchestrator keys set openai" in message and "OPENAI_API_KEY" in message
    [row] = ledger_rows(engine)
    assert row["status"] == "FAILED" and row["provider"] == "openai"
    assert row["model_used"] == "gpt-6.2-sol" and row["attempts"] == 0


async def test_a_key_that_cannot_travel_in_a_header_is_a_clear_error_not_a_malformed_reply(
    gateway: Gateway, engine: Engine, fake_llm_env: FakeLLMServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The keys API refuses such values; an environment variable can still carry one.
    monkeypatch.setenv("OPENAI_API_KEY", "sk-caf\u00e9-0123456789abcdef")
    with pytest.raises(ProviderError) as caught:
        await gateway.complete(req("openai", "gpt-6.2-sol"))
    assert "Set the key again" in caught.value.message
    assert "malformed" not in caught.value.message
    assert fake_llm_env.completion_requests() == []
    [row] = ledger_rows(engine)
    assert row["status"] == "FAILED" and row["attempts"] == 1


async def test_no_provider_at_all_is_not_configured(
    gateway: Gateway, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("OPENAI_API_KEY")
    monkeypatch.delenv("ANTHROPIC_API_KEY")
    with pytest.raises(NotConfigured, match="No LLM provider is configured"):
        await gateway.complete(req(None, None))


async def test_provider_and_model_defaults_are_inferred(
    gateway: Gateway, engine: Engine, fake_llm_env: FakeLLMServer
) -> None:
    await gateway.complete(req(None, "claude-haiku-5-5"))
    await gateway.complete(req(None, None))
    rows = ledger_rows(engine)
    assert [(r["provider"], r["model_used"]) for r in rows] == [
        ("anthropic", "claude-haiku-5-5"),
        ("openai", "gpt-6.2-sol"),
    ]


async def test_local_compatible_server_costs_zero_and_needs_no_key(
    gateway: Gateway, engine: Engine, fake_llm_env: FakeLLMServer
) -> None:
    base = f"http://127.0.0.1:{fake_llm_env.port}"
    models = await gateway.discover(base)
    assert "gpt-6-luna" in models and "claude-sonnet-5-5" in models
    gateway.providers.put(
        ProvidersConfig(
            compatible=[CompatibleServer(name="ollama", base_url=base, models=["llama3.3"])]
        )
    )
    result = await gateway.complete(req(None, "llama3.3"))
    [row] = ledger_rows(engine)
    assert row["provider"] == "ollama" and result.cost_usd == 0.0
    assert row["cost_status"] == "free" and row["total_cost_usd"] == 0.0
    sent = fake_llm_env.completion_requests()[-1]
    assert sent.path == "/v1/chat/completions" and sent.body["max_tokens"] == 1024


async def test_non_local_compatible_server_leaves_unknown_models_unpriced(
    gateway: Gateway, engine: Engine, fake_llm_env: FakeLLMServer
) -> None:
    base = f"http://127.0.0.1:{fake_llm_env.port}/v1"
    gateway.providers.put(
        ProvidersConfig(compatible=[CompatibleServer(name="hosted", base_url=base, local=False)])
    )
    result = await gateway.complete(req("hosted", "mixtral"))
    assert result.cost_usd is None and ledger_rows(engine)[0]["cost_status"] == "unpriced"


async def test_list_models_tests_a_key_with_a_real_call(
    gateway: Gateway, fake_llm_env: FakeLLMServer
) -> None:
    fake_llm_env.valid_keys = {"sk-good-key-0123456789abcdef"}
    models = await gateway.list_models("anthropic", api_key="sk-good-key-0123456789abcdef")
    assert "claude-sonnet-5-5" in models
    with pytest.raises(ProviderError) as caught:
        await gateway.list_models("openai", api_key="sk-wrong-key-0123456789abcdef")
    assert "Incorrect API key" in caught.value.message
    assert "sk-wrong-key-0123456789abcdef" not in caught.value.message


async def test_unpriced_estimate_is_none(gateway: Gateway) -> None:
    assert gateway.estimate_cost(req("openai", "gpt-unknown")) is None


def test_vendor_settings_refuse_an_unknown_name() -> None:
    from forge_orchestrator.errors import NotConfigured

    cfg = ProvidersConfig()
    assert cfg.vendor("anthropic") is cfg.anthropic
    with pytest.raises(NotConfigured, match="not a built-in provider"):
        cfg.vendor("mistral")
