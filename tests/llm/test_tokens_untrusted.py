"""Token counts on untrusted text: a lone surrogate counts as U+FFFD (as tiktoken does), never raises."""

from __future__ import annotations

from sqlalchemy import Engine

from forge_orchestrator.llm.gateway import Gateway
from forge_orchestrator.llm.tokens import count_messages, count_text
from forge_orchestrator.llm.types import ChatMessage, LLMRequest, StreamDone, TextDelta
from tests.fakes.llm_server import FakeLLMServer, Reply

from .conftest import ledger_rows


def test_a_lone_surrogate_counts_as_the_replacement_character() -> None:
    for model in ("gpt-6-luna", "gpt-4", "claude-sonnet-5-5", None):
        assert count_text("\ud800", model).tokens == count_text("\ufffd", model).tokens
        assert count_text("a\udc00b\ud800", model) == count_text("a\ufffdb\ufffd", model)
    # A surrogate pair split into two code points is the character it encodes.
    assert count_text("\ud83d\ude00") == count_text("\U0001f600")
    messages = [ChatMessage(role="user", content="hi \ud800")]
    assert count_messages(messages, "sys \udfff", "gpt-6-luna") == count_messages(
        [ChatMessage(role="user", content="hi \ufffd")], "sys \ufffd", "gpt-6-luna"
    )


async def test_provider_output_with_a_lone_surrogate_is_estimated_not_an_error(
    gateway: Gateway, engine: Engine, fake_llm_env: FakeLLMServer
) -> None:
    # JSON's "\ud800" escape reaches us through the SDK as a lone surrogate in a str; with no
    # usage in the stream the gateway estimates it offline from that text.
    fake_llm_env.script(Reply(text="caf\ud800 ok", stream_usage=False))
    request = LLMRequest(
        provider="openai",
        model="gpt-6-luna",
        messages=[ChatMessage(role="user", content="say \udc00 hi")],
    )
    texts: list[str] = []
    done: StreamDone | None = None
    async for event in gateway.stream(request):
        if isinstance(event, TextDelta):
            texts.append(event.text)
        else:
            done = event
    # The reply reaches the caller well formed (U+FFFD), as it is counted and stored.
    assert done is not None and "".join(texts) == "caf\ufffd ok" == done.result.text
    [row] = ledger_rows(engine)
    assert row["status"] == "SUCCESS" and row["usage_source"] == "estimated"
    assert row["output_tokens"] == count_text("caf\ufffd ok", "gpt-6-luna").tokens > 0
    assert row["input_tokens"] > 0
