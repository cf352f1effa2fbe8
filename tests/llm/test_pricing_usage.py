"""Usage objects in the vendors' exact JSON shapes, through the real SDKs, to the dollar.

The two figures from issue #15: a 300K-token gpt-6-sol call is $1.179 (long-context tier, not
$0.592), and a claude-opus-5-5 call with 1-hour cache writes is $0.005716 (not $0.005116).
"""

from __future__ import annotations

from typing import Any

import pytest
from anthropic.types import Message, MessageDeltaUsage
from openai.types.chat import ChatCompletion
from sqlalchemy import Engine

from forge_orchestrator.llm.gateway import Gateway
from forge_orchestrator.llm.types import ChatMessage, LLMRequest, StreamDone
from forge_orchestrator.vendors import anthropic as anthropic_messages
from forge_orchestrator.vendors import openai as openai_chat
from tests.fakes.llm_server import FakeLLMServer, Reply

from .conftest import ledger_rows

# OpenAI Chat Completions `usage`: 300K prompt tokens, 10K of them read from the cache.
OPENAI_300K: dict[str, Any] = {
    "prompt_tokens": 300_000,
    "completion_tokens": 1_000,
    "total_tokens": 301_000,
    "prompt_tokens_details": {"cached_tokens": 10_000, "cache_write_tokens": 0, "audio_tokens": 0},
    "completion_tokens_details": {
        "reasoning_tokens": 200,
        "audio_tokens": 0,
        "accepted_prediction_tokens": 0,
        "rejected_prediction_tokens": 0,
    },
}
# 290K uncached x $4 + 10K cached x $0.40 (2x) + 1K output x $15 (1.5x), per 1M tokens.
GPT_6_SOL_300K_USD = 1.179

# Anthropic Messages `usage`: 500 tokens written to the cache, 200 of them with a 1-hour TTL.
ANTHROPIC_1H: dict[str, Any] = {
    "input_tokens": 104,
    "cache_creation_input_tokens": 500,
    "cache_read_input_tokens": 1_000,
    "cache_creation": {"ephemeral_5m_input_tokens": 300, "ephemeral_1h_input_tokens": 200},
    "output_tokens": 100,
    "service_tier": "standard",
}
# 104 x $4 + 300 x $5 (5 min) + 200 x $8 (1 h) + 1000 x $0.20 + 100 x $20, per 1M tokens.
OPUS_5_5_1H_USD = 0.005716

# OpenAI extended retention: 8K written, 6K of it for 12 hours (gpt-6.2-sol: $2.50 / $5.00).
OPENAI_12H: dict[str, Any] = {
    "prompt_tokens": 20_000,
    "completion_tokens": 500,
    "total_tokens": 20_500,
    "prompt_tokens_details": {
        "cached_tokens": 0,
        "cache_write_tokens": 8_000,
        "cache_write_tokens_details": {"ttl_30m_tokens": 2_000, "ttl_12h_tokens": 6_000},
    },
    "completion_tokens_details": {"reasoning_tokens": 0},
}
# 12K x $2 + 2K x $2.50 + 6K x $5 + 500 x $10, per 1M tokens.
SOL_6_2_12H_USD = 0.064


def req(provider: str, model: str) -> LLMRequest:
    return LLMRequest(
        provider=provider, model=model, messages=[ChatMessage(role="user", content="hi")]
    )


def test_openai_usage_object_maps_to_our_counts() -> None:
    completion = ChatCompletion.model_validate(
        {
            "id": "chatcmpl-1",
            "object": "chat.completion",
            "created": 0,
            "model": "gpt-6.2-sol",
            "choices": [],
            "usage": OPENAI_12H,
        }
    )
    usage = openai_chat.usage_from(completion.usage)
    assert usage is not None
    assert (usage.input_tokens, usage.cached_input_tokens) == (20_000, 0)
    assert (usage.cache_write_tokens, usage.cache_write_extended_tokens) == (8_000, 6_000)
    plain = openai_chat.usage_from(
        ChatCompletion.model_validate(
            {
                "id": "c",
                "object": "chat.completion",
                "created": 0,
                "model": "m",
                "choices": [],
                "usage": OPENAI_300K,
            }
        ).usage
    )
    assert plain is not None and plain.cache_write_extended_tokens == 0
    assert (plain.input_tokens, plain.cached_input_tokens, plain.reasoning_tokens) == (
        300_000,
        10_000,
        200,
    )


def test_anthropic_usage_object_and_stream_deltas_keep_the_1h_split() -> None:
    message = Message.model_validate(
        {
            "id": "msg_1",
            "type": "message",
            "role": "assistant",
            "model": "claude-opus-5-5",
            "content": [],
            "stop_reason": "end_turn",
            "stop_sequence": None,
            "usage": ANTHROPIC_1H,
        }
    )
    usage = anthropic_messages.usage_from(message.usage)
    # Our input_tokens is the whole prompt: uncached + cache reads + cache writes.
    assert usage.input_tokens == 104 + 1_000 + 500
    assert (usage.cached_input_tokens, usage.cache_write_tokens) == (1_000, 500)
    assert usage.cache_write_extended_tokens == 200
    # A message_delta repeats the input totals but has no cache_creation: the split stays.
    delta = MessageDeltaUsage.model_validate(
        {
            "input_tokens": 104,
            "cache_creation_input_tokens": 500,
            "cache_read_input_tokens": 1_000,
            "output_tokens": 100,
        }
    )
    after = anthropic_messages.usage_from(delta, usage)
    assert after == usage


async def test_openai_300k_on_gpt_6_sol_is_billed_at_the_long_context_tier(
    gateway: Gateway, engine: Engine, fake_llm_env: FakeLLMServer
) -> None:
    fake_llm_env.script(Reply(usage=OPENAI_300K), Reply(usage=OPENAI_300K))
    result = await gateway.complete(req("openai", "gpt-6-sol"))
    assert result.cost_usd == pytest.approx(GPT_6_SOL_300K_USD, abs=1e-9)
    done = [e async for e in gateway.stream(req("openai", "gpt-6-sol"))][-1]
    assert isinstance(done, StreamDone)
    assert done.result.cost_usd == pytest.approx(GPT_6_SOL_300K_USD, abs=1e-9)
    rows = ledger_rows(engine)
    assert [r["total_cost_usd"] for r in rows] == pytest.approx([GPT_6_SOL_300K_USD] * 2)
    assert [r["streamed"] for r in rows] == [False, True]
    assert rows[0]["input_tokens"] == 300_000 and rows[0]["cached_input_tokens"] == 10_000


async def test_openai_12h_cache_writes_are_billed_at_the_extended_rate(
    gateway: Gateway, engine: Engine, fake_llm_env: FakeLLMServer
) -> None:
    fake_llm_env.script(Reply(usage=OPENAI_12H), Reply(usage=OPENAI_12H))
    result = await gateway.complete(req("openai", "gpt-6.2-sol"))
    assert result.cost_usd == pytest.approx(SOL_6_2_12H_USD, abs=1e-9)
    [e async for e in gateway.stream(req("openai", "gpt-6.2-sol"))]
    for row in ledger_rows(engine):
        assert row["total_cost_usd"] == pytest.approx(SOL_6_2_12H_USD, abs=1e-9)
        assert (row["cache_write_tokens"], row["cache_write_extended_tokens"]) == (8_000, 6_000)
        assert row["price_cache_write_extended_per_mtok"] == 5.00


async def test_anthropic_1h_cache_writes_are_billed_at_the_1h_rate(
    gateway: Gateway, engine: Engine, fake_llm_env: FakeLLMServer
) -> None:
    fake_llm_env.script(Reply(usage=ANTHROPIC_1H), Reply(usage=ANTHROPIC_1H, message_deltas=2))
    result = await gateway.complete(req("anthropic", "claude-opus-5-5"))
    assert result.cost_usd == pytest.approx(OPUS_5_5_1H_USD, abs=1e-12)
    done = [e async for e in gateway.stream(req("anthropic", "claude-opus-5-5"))][-1]
    assert isinstance(done, StreamDone)
    assert done.result.cost_usd == pytest.approx(OPUS_5_5_1H_USD, abs=1e-12)
    for row in ledger_rows(engine):
        assert row["total_cost_usd"] == pytest.approx(OPUS_5_5_1H_USD, abs=1e-12)
        assert (row["cache_write_tokens"], row["cache_write_extended_tokens"]) == (500, 200)
        assert row["input_tokens"] == 1_604 and row["output_tokens"] == 100
        assert (row["price_cache_write_per_mtok"], row["price_cache_write_extended_per_mtok"]) == (
            5.00,
            8.00,
        )


async def test_an_echoed_alias_is_priced_as_the_model_it_points_to(
    gateway: Gateway, engine: Engine, fake_llm_env: FakeLLMServer
) -> None:
    # The provider reports the alias itself as the model, as some do.
    fake_llm_env.script(Reply(usage=ANTHROPIC_1H, model="claude-opus-latest"))
    result = await gateway.complete(req("anthropic", "claude-opus-latest"))
    [row] = ledger_rows(engine)
    assert row["model_used"] == "claude-opus-latest" and row["cost_status"] == "priced"
    assert result.cost_usd == pytest.approx(OPUS_5_5_1H_USD, abs=1e-12)
