"""Streaming: text arrives in pieces, usage comes from the stream, cuts and cancels are recorded."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import Engine

from forge_orchestrator.errors import ProviderError
from forge_orchestrator.llm.gateway import Gateway
from forge_orchestrator.llm.types import ChatMessage, LLMRequest, StreamDone, TextDelta
from tests.fakes.llm_server import FakeLLMServer, Reply

from .conftest import ledger_rows


def req(provider: str, model: str) -> LLMRequest:
    return LLMRequest(
        provider=provider, model=model, messages=[ChatMessage(role="user", content="hi there")]
    )


async def collect(gateway: Gateway, r: LLMRequest) -> tuple[list[str], StreamDone]:
    texts: list[str] = []
    done: StreamDone | None = None
    async for event in gateway.stream(r):
        if isinstance(event, TextDelta):
            texts.append(event.text)
        else:
            done = event
    assert done is not None
    return texts, done


async def test_openai_stream_records_usage_from_the_usage_chunk(
    gateway: Gateway, engine: Engine, fake_llm_env: FakeLLMServer
) -> None:
    fake_llm_env.script(Reply(text="one two three", input_tokens=40, output_tokens=3))
    texts, done = await collect(gateway, req("openai", "gpt-6-luna"))
    assert "".join(texts) == "one two three" and len(texts) == 3
    assert done.result.text == "one two three" and done.result.usage_source == "provider"
    [row] = ledger_rows(engine)
    assert (row["input_tokens"], row["output_tokens"]) == (40, 3)
    assert row["streamed"] is True and row["status"] == "SUCCESS"
    assert row["ttft_ms"] is not None and row["ttft_ms"] <= row["latency_ms"]
    assert row["total_cost_usd"] == pytest.approx((40 * 0.10 + 3 * 0.50) / 1_000_000)
    sent = fake_llm_env.completion_requests()[-1].body
    assert sent["stream_options"] == {"include_usage": True}


async def test_anthropic_stream_keeps_the_last_cumulative_usage(
    gateway: Gateway, engine: Engine, fake_llm_env: FakeLLMServer
) -> None:
    # Two message_delta events (3 then 7 output tokens): summing would give 10.
    fake_llm_env.script(
        Reply(text="a b c", input_tokens=20, output_tokens=7, cached_tokens=10, message_deltas=2)
    )
    _, done = await collect(gateway, req("anthropic", "claude-sonnet-5-5"))
    [row] = ledger_rows(engine)
    assert row["output_tokens"] == 7 and row["input_tokens"] == 30
    assert row["cached_input_tokens"] == 10 and row["usage_source"] == "provider"
    assert done.result.ledger_id == row["id"]


async def test_stream_without_usage_is_estimated_offline(
    gateway: Gateway, engine: Engine, fake_llm_env: FakeLLMServer
) -> None:
    fake_llm_env.script(Reply(text="hello world", stream_usage=False))
    _, done = await collect(gateway, req("openai", "gpt-6-luna"))
    [row] = ledger_rows(engine)
    assert row["usage_source"] == "estimated" and done.result.usage_source == "estimated"
    # o200k_base: "hello world" is 2 tokens; the prompt is 1 message with chat framing.
    assert row["output_tokens"] == 2 and row["input_tokens"] > 0
    assert row["total_cost_usd"] is not None


async def test_cut_stream_fails_with_one_row_and_estimated_partial_usage(
    gateway: Gateway, engine: Engine, fake_llm_env: FakeLLMServer
) -> None:
    fake_llm_env.script(Reply(text="alpha beta gamma delta", cut_after_chunks=2))
    texts: list[str] = []
    with pytest.raises(ProviderError):
        async for event in gateway.stream(req("openai", "gpt-6-luna")):
            if isinstance(event, TextDelta):
                texts.append(event.text)
    assert "".join(texts) == "alpha beta"
    [row] = ledger_rows(engine)
    assert row["status"] == "FAILED" and row["usage_source"] == "estimated"
    assert row["output_tokens"] == 2


async def test_consumer_leaving_early_records_a_cancelled_row(
    gateway: Gateway, engine: Engine, fake_llm_env: FakeLLMServer
) -> None:
    fake_llm_env.script(Reply(text="w1 w2 w3 w4 w5 w6", chunk_delay_s=0.05))
    stream = gateway.stream(req("anthropic", "claude-haiku-5-5"))
    async for event in stream:
        assert isinstance(event, TextDelta)
        break
    await stream.aclose()  # type: ignore[attr-defined]
    # A closed stream cannot await its row either: it is queued to the writer (it landed late
    # on a loaded machine when this test read it at once).
    assert await asyncio.to_thread(gateway.db.wait_idle, 10)
    [row] = ledger_rows(engine)
    assert row["status"] == "FAILED" and row["error_message"] == "cancelled"
    assert row["streamed"] is True


async def test_cancelling_the_callers_task_records_a_cancelled_row(
    gateway: Gateway, engine: Engine, fake_llm_env: FakeLLMServer
) -> None:
    fake_llm_env.script(Reply(delay_s=5))
    task = asyncio.create_task(gateway.complete(req("openai", "gpt-6-luna")))
    while not fake_llm_env.completion_requests():
        await asyncio.sleep(0.01)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    # A cancelled task cannot await: its row is queued to the writer, not written on the loop.
    assert await asyncio.to_thread(gateway.db.wait_idle, 10)
    [row] = ledger_rows(engine)
    assert row["status"] == "FAILED" and row["error_message"] == "cancelled"
