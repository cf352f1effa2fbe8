"""Google Gemini through google-genai and the gateway, against the fake over loopback."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from forge_orchestrator.errors import NotConfigured, ProviderError
from forge_orchestrator.llm.gateway import Gateway
from forge_orchestrator.llm.types import ChatMessage, LLMRequest
from tests.fakes.llm_server import FakeLLMServer, Reply

from .conftest import ledger_rows
from .test_gateway_stream import collect

GEMINI_KEY = "AIzaFakeGeminiKey0123456789abcdefFAKE"
# gemini-2.5-flash: 0.30 / 2.50 USD per MTok, cached input 0.03.
IN, CACHED, OUT = 0.30, 0.03, 2.50


@pytest.fixture
def gemini(fake_llm_env: FakeLLMServer, monkeypatch: pytest.MonkeyPatch) -> FakeLLMServer:
    monkeypatch.setenv("GOOGLE_GEMINI_BASE_URL", f"http://127.0.0.1:{fake_llm_env.port}")
    monkeypatch.setenv("GEMINI_API_KEY", GEMINI_KEY)
    return fake_llm_env


def req(model: str = "gemini-2.5-flash", **kw: object) -> LLMRequest:
    return LLMRequest(
        model=model,
        system="be brief",
        messages=[
            ChatMessage(role="user", content="hi"),
            ChatMessage(role="assistant", content="hello"),
            ChatMessage(role="user", content="plan it"),
        ],
        max_tokens=64,
        **kw,  # type: ignore[arg-type]
    )


async def test_a_gemini_model_is_routed_by_name_and_its_usage_recorded(
    gateway: Gateway, engine: Engine, gemini: FakeLLMServer
) -> None:
    gemini.script(
        Reply(
            text="Do X.",
            input_tokens=1000,
            output_tokens=40,
            cached_tokens=600,
            reasoning_tokens=100,
        )
    )
    result = await gateway.complete(req(json_mode=True))
    assert result.text == "Do X." and result.provider == "gemini"
    sent = gemini.completion_requests()[-1]
    assert sent.path == "/v1beta/models/gemini-2.5-flash:generateContent"
    assert sent.headers["x-goog-api-key"] == GEMINI_KEY
    assert [c["role"] for c in sent.body["contents"]] == ["user", "model", "user"]
    assert sent.body["generationConfig"]["maxOutputTokens"] == 64
    assert sent.body["generationConfig"]["responseMimeType"] == "application/json"
    assert "be brief" in sent.body["systemInstruction"]["parts"][0]["text"]
    [row] = ledger_rows(engine)
    # Thinking is billed as output: 40 answer + 100 thought tokens.
    assert (row["input_tokens"], row["output_tokens"]) == (1000, 140)
    assert (row["cached_input_tokens"], row["reasoning_tokens"]) == (600, 100)
    expected = (400 * IN + 600 * CACHED + 140 * OUT) / 1_000_000
    assert row["total_cost_usd"] == pytest.approx(expected)


async def test_a_gemini_stream_keeps_the_final_usage(
    gateway: Gateway, engine: Engine, gemini: FakeLLMServer
) -> None:
    gemini.script(Reply(text="one two three", input_tokens=30, output_tokens=3))
    texts, done = await collect(gateway, req())
    assert texts == ["one", " two", " three"]
    assert done.result.usage_source == "provider"
    sent = gemini.completion_requests()[-1]
    assert sent.path == "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse"
    [row] = ledger_rows(engine)
    assert (row["input_tokens"], row["output_tokens"], row["streamed"]) == (30, 3, True)


async def test_gemini_errors_are_classified_from_the_api_error_code(
    gateway: Gateway, engine: Engine, gemini: FakeLLMServer
) -> None:
    gemini.script(Reply(status=503, error_message="overloaded"), Reply(text="ok"))
    assert (await gateway.complete(req())).text == "ok"
    assert ledger_rows(engine)[-1]["attempts"] == 2
    gemini.script(Reply(status=400, error_message="bad request"))
    with pytest.raises(ProviderError, match="Google Gemini returned HTTP 400: bad request"):
        await gateway.complete(req())
    assert ledger_rows(engine)[-1]["attempts"] == 1


async def test_gemini_lists_models_and_needs_a_key(
    gateway: Gateway, gemini: FakeLLMServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    gemini.models = ["gemini-2.5-flash", "gemini-2.5-pro"]
    assert await gateway.list_models("gemini") == ["gemini-2.5-flash", "gemini-2.5-pro"]
    monkeypatch.delenv("GEMINI_API_KEY")
    monkeypatch.setenv("GOOGLE_API_KEY", GEMINI_KEY)  # the SDK's other name works too
    assert len(await gateway.list_models("gemini")) == 2
    monkeypatch.delenv("GOOGLE_API_KEY")
    with pytest.raises(NotConfigured, match="No Google Gemini API key"):
        await gateway.complete(req())
