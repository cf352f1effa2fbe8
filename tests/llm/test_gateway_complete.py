"""Non-streaming calls through the real SDKs: exact usage, cost and one ledger row each."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from forge_orchestrator.errors import ProviderError, ProviderTimeout
from forge_orchestrator.ledger.recorder import prompt_hash
from forge_orchestrator.llm.gateway import Gateway
from forge_orchestrator.llm.types import CallContext, ChatMessage, LLMRequest
from tests.fakes.fixtures import FAKE_ANTHROPIC_KEY
from tests.fakes.llm_server import FakeLLMServer, Reply

from .conftest import Waits, ledger_rows


def req(provider: str, model: str, **kw: object) -> LLMRequest:
    return LLMRequest(
        provider=provider,
        model=model,
        system="Be brief.",
        messages=[ChatMessage(role="user", content="List files")],
        **kw,  # type: ignore[arg-type]
    )


async def test_openai_success_row_has_exact_usage_and_cost(
    gateway: Gateway, engine: Engine, fake_llm_env: FakeLLMServer
) -> None:
    fake_llm_env.script(
        Reply(
            text="ls -la",
            input_tokens=1000,
            output_tokens=200,
            cached_tokens=400,
            reasoning_tokens=50,
        )
    )
    ctx = CallContext(agent_role="architect", flow_id="f1", run_id="r1", node_id="n1")
    result = await gateway.complete(req("openai", "gpt-6.2-sol", json_mode=True), ctx)

    # gpt-6.2-sol: 2.00 input, 0.10 cached, 10.00 output per 1M tokens.
    expected = (600 * 2.00 + 400 * 0.10 + 200 * 10.00) / 1_000_000
    assert result.text == "ls -la"
    assert result.cost_usd == pytest.approx(expected)
    assert result.usage.input_tokens == 1000 and result.usage.cached_input_tokens == 400
    [row] = ledger_rows(engine)
    assert row["id"] == result.ledger_id
    assert row["status"] == "SUCCESS" and row["error_message"] is None
    assert (row["input_tokens"], row["output_tokens"]) == (1000, 200)
    assert (row["cached_input_tokens"], row["reasoning_tokens"]) == (400, 50)
    assert row["total_cost_usd"] == pytest.approx(expected)
    assert row["cost_status"] == "priced" and row["usage_source"] == "provider"
    assert (row["price_input_per_mtok"], row["price_output_per_mtok"]) == (2.00, 10.00)
    assert row["price_cached_input_per_mtok"] == 0.10
    assert row["provider"] == "openai" and row["model_used"] == "gpt-6.2-sol"
    assert row["agent_role"] == "architect" and row["flow_id"] == "f1"
    assert (row["run_id"], row["node_id"]) == ("r1", "n1")
    assert row["attempts"] == 1 and row["streamed"] is False and row["max_tokens"] == 1024
    assert row["request_id"] and row["request_id"] == result.request_id
    assert row["prompt_hash"] == prompt_hash("Be brief.", [("user", "List files")])
    sent = fake_llm_env.completion_requests()[-1].body
    assert sent["response_format"] == {"type": "json_object"}
    assert sent["messages"][0] == {"role": "system", "content": "Be brief."}


async def test_anthropic_success_adds_cache_reads_and_writes_at_their_rates(
    gateway: Gateway, engine: Engine, fake_llm_env: FakeLLMServer
) -> None:
    fake_llm_env.script(
        Reply(
            text='{"a": 1}',
            input_tokens=300,
            output_tokens=80,
            cached_tokens=500,
            cache_write_tokens=200,
        )
    )
    result = await gateway.complete(req("anthropic", "claude-opus-5-5", json_mode=True))

    # claude-opus-5-5: 4.00 input, 0.20 cache read, 5.00 cache write, 20.00 output.
    expected = (300 * 4.00 + 500 * 0.20 + 200 * 5.00 + 80 * 20.00) / 1_000_000
    [row] = ledger_rows(engine)
    assert row["input_tokens"] == 1000  # uncached + read + write
    assert (row["cached_input_tokens"], row["cache_write_tokens"]) == (500, 200)
    assert row["output_tokens"] == 80
    assert row["total_cost_usd"] == pytest.approx(expected) == result.cost_usd
    assert row["price_cache_write_per_mtok"] == 5.00
    sent = fake_llm_env.completion_requests()[-1]
    assert "JSON" in sent.body["system"] and sent.body["system"].startswith("Be brief.")
    sent_key = sent.headers.get("x-api-key") or sent.headers["authorization"].split()[-1]
    assert sent_key == FAKE_ANTHROPIC_KEY


async def test_alias_reported_by_provider_is_priced_by_its_snapshot(
    gateway: Gateway, engine: Engine, fake_llm_env: FakeLLMServer
) -> None:
    fake_llm_env.script(Reply(model="gpt-5.4-2026-03-05", input_tokens=100, output_tokens=10))
    result = await gateway.complete(req("openai", "gpt-5.4"))
    [row] = ledger_rows(engine)
    assert row["model_used"] == "gpt-5.4-2026-03-05" and row["model_requested"] == "gpt-5.4"
    assert result.cost_usd == pytest.approx((100 * 2.50 + 10 * 15.00) / 1_000_000)


async def test_unknown_model_costs_null_and_is_flagged_unpriced(
    gateway: Gateway, engine: Engine, fake_llm_env: FakeLLMServer
) -> None:
    result = await gateway.complete(req("openai", "gpt-unknown-9000"))
    [row] = ledger_rows(engine)
    assert result.cost_usd is None
    assert row["total_cost_usd"] is None and row["cost_status"] == "unpriced"
    assert row["status"] == "SUCCESS" and row["input_tokens"] == 12


async def test_provider_500_gives_one_failed_row_with_the_providers_message(
    gateway: Gateway, engine: Engine, fake_llm_env: FakeLLMServer, waits: Waits
) -> None:
    gateway.retry.max_retries = 0
    fake_llm_env.script(Reply(status=500, error_message="The engine is overloaded, try later."))
    with pytest.raises(ProviderError) as caught:
        await gateway.complete(req("openai", "gpt-6.2-sol"))
    assert "The engine is overloaded, try later." in caught.value.message
    [row] = ledger_rows(engine)
    assert row["status"] == "FAILED" and row["attempts"] == 1
    assert "The engine is overloaded, try later." in row["error_message"]
    assert row["total_cost_usd"] == 0.0 and row["cost_status"] == "not_billed"


async def test_repeated_500s_retry_then_fail_with_one_row(
    gateway: Gateway, engine: Engine, fake_llm_env: FakeLLMServer, waits: Waits
) -> None:
    fake_llm_env.script(*[Reply(status=503, error_message="busy")] * 3)
    with pytest.raises(ProviderError):
        await gateway.complete(req("anthropic", "claude-haiku-5-5"))
    [row] = ledger_rows(engine)
    assert row["attempts"] == 3 and row["status"] == "FAILED"
    assert len(waits.waits) == 2 and waits.waits[1] >= waits.waits[0] * 0.5
    assert len(fake_llm_env.completion_requests()) == 3


async def test_429_with_retry_after_is_honoured_then_succeeds_in_one_row(
    gateway: Gateway, engine: Engine, fake_llm_env: FakeLLMServer, waits: Waits
) -> None:
    fake_llm_env.script(
        Reply(status=429, error_message="slow down", headers={"Retry-After": "3"}),
        Reply(text="ok", input_tokens=5, output_tokens=1),
    )
    result = await gateway.complete(req("openai", "gpt-6-luna"))
    assert result.text == "ok"
    assert waits.waits == [3.0]
    [row] = ledger_rows(engine)
    assert row["status"] == "SUCCESS" and row["attempts"] == 2


async def test_400_is_not_retried(
    gateway: Gateway, engine: Engine, fake_llm_env: FakeLLMServer, waits: Waits
) -> None:
    fake_llm_env.script(Reply(status=400, error_message="max_tokens is too large"))
    with pytest.raises(ProviderError, match="max_tokens is too large"):
        await gateway.complete(req("openai", "gpt-6-luna"))
    assert waits.waits == [] and ledger_rows(engine)[0]["attempts"] == 1


async def test_hang_gives_one_timeout_row(
    gateway: Gateway, engine: Engine, fake_llm_env: FakeLLMServer
) -> None:
    fake_llm_env.script(Reply(hang=True))
    with pytest.raises(ProviderTimeout):
        await gateway.complete(req("anthropic", "claude-sonnet-5-5", timeout_s=0.3))
    [row] = ledger_rows(engine)
    assert row["status"] == "TIMEOUT" and row["attempts"] == 1
    assert "did not answer in time" in row["error_message"]


async def test_malformed_body_is_a_provider_error_row(
    gateway: Gateway, engine: Engine, fake_llm_env: FakeLLMServer
) -> None:
    fake_llm_env.script(Reply(malformed=True))
    with pytest.raises(ProviderError, match="malformed"):
        await gateway.complete(req("openai", "gpt-6.2-sol"))
    [row] = ledger_rows(engine)
    assert row["status"] == "FAILED" and "malformed" in row["error_message"]
