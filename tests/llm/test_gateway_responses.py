"""OpenAI's Responses API (gpt-5.5-pro) through the gateway, against the fake over loopback."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from forge_orchestrator.errors import ProviderError
from forge_orchestrator.llm.gateway import Gateway
from forge_orchestrator.llm.types import ChatMessage, LLMRequest
from tests.fakes.llm_server import FakeLLMServer, Reply

from .conftest import ledger_rows
from .test_gateway_stream import collect

# gpt-5.5-pro: 30 / 180 USD per MTok, no cached rate (cached input is billed as input).
IN, OUT = 30.0, 180.0


def req(model: str = "gpt-5.5-pro", **kw: object) -> LLMRequest:
    return LLMRequest(
        model=model,
        system="be brief",
        messages=[ChatMessage(role="user", content="plan it")],
        max_tokens=64,
        **kw,  # type: ignore[arg-type]
    )


async def test_a_pro_model_goes_to_responses_and_its_usage_is_recorded_exactly(
    gateway: Gateway, engine: Engine, fake_llm_env: FakeLLMServer
) -> None:
    fake_llm_env.script(
        Reply(
            text="Do X.",
            input_tokens=1200,
            output_tokens=900,
            cached_tokens=200,
            reasoning_tokens=850,
        )
    )
    result = await gateway.complete(req(json_mode=True))
    assert result.text == "Do X." and result.provider == "openai"
    sent = fake_llm_env.completion_requests()[-1]
    assert sent.path == "/v1/responses"
    assert sent.body["instructions"] == "be brief" and sent.body["max_output_tokens"] == 64
    assert sent.body["input"] == [{"role": "user", "content": "plan it"}]
    assert sent.body["text"] == {"format": {"type": "json_object"}}
    [row] = ledger_rows(engine)
    assert (row["input_tokens"], row["output_tokens"]) == (1200, 900)
    assert (row["cached_input_tokens"], row["reasoning_tokens"]) == (200, 850)
    assert row["status"] == "SUCCESS" and row["request_id"].startswith("req_")
    assert row["total_cost_usd"] == pytest.approx((1200 * IN + 900 * OUT) / 1_000_000)


async def test_other_openai_models_stay_on_chat_completions(
    gateway: Gateway, fake_llm_env: FakeLLMServer
) -> None:
    await gateway.complete(req("gpt-6-luna"))
    assert fake_llm_env.completion_requests()[-1].path == "/v1/chat/completions"


async def test_a_responses_stream_takes_usage_from_response_completed(
    gateway: Gateway, engine: Engine, fake_llm_env: FakeLLMServer
) -> None:
    fake_llm_env.script(
        Reply(text="one two three", input_tokens=40, output_tokens=30, reasoning_tokens=27)
    )
    texts, done = await collect(gateway, req())
    assert texts == ["one", " two", " three"]
    assert done.result.usage_source == "provider"
    [row] = ledger_rows(engine)
    assert (row["input_tokens"], row["output_tokens"], row["reasoning_tokens"]) == (40, 30, 27)
    assert row["streamed"] is True and row["model_used"] == "gpt-5.5-pro"
    assert fake_llm_env.completion_requests()[-1].body["stream"] is True


async def test_a_cut_responses_stream_is_recorded_as_failed_with_its_text(
    gateway: Gateway, engine: Engine, fake_llm_env: FakeLLMServer
) -> None:
    fake_llm_env.script(Reply(text="a b c d", cut_after_chunks=2))
    with pytest.raises(ProviderError):
        async for _ in gateway.stream(req()):
            pass
    [row] = ledger_rows(engine)
    assert row["status"] == "FAILED"


async def test_responses_errors_retry_like_chat_completions(
    gateway: Gateway, engine: Engine, fake_llm_env: FakeLLMServer
) -> None:
    fake_llm_env.script(Reply(status=429, headers={"Retry-After": "0"}), Reply(text="ok"))
    result = await gateway.complete(req())
    assert result.text == "ok"
    [row] = ledger_rows(engine)
    assert row["attempts"] == 2
