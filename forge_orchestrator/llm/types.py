"""The gateway's public value types: requests, call context, usage, results and stream events."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, Field

from ..pricing.usage import Usage as Usage
from ..text_safety import well_formed

Role = Literal["system", "user", "assistant"]
UsageSource = Literal["provider", "estimated"]


# Prompts and replies carry untrusted text (a model's reply fed to the next step): a lone
# surrogate has no UTF-8 form and would fail the request, and PostgreSQL's text cannot hold
# U+0000, so both become U+FFFD here (as tiktoken does for surrogates).
PromptText = Annotated[str, AfterValidator(well_formed)]


class ChatMessage(BaseModel):
    role: Role
    content: PromptText


class LLMRequest(BaseModel):
    """One chat call. provider/model None means the configured default."""

    provider: str | None = None
    model: str | None = None
    messages: list[ChatMessage]
    system: PromptText | None = None
    max_tokens: int = Field(1024, ge=1, le=1_000_000)
    temperature: float | None = Field(None, ge=0, le=2)
    json_mode: bool = False
    timeout_s: float | None = Field(None, gt=0)


class CallContext(BaseModel):
    """Who made the call; lands on the ledger row."""

    agent_role: str | None = None
    flow_id: str | None = None
    run_id: str | None = None
    node_id: str | None = None


class LLMResult(BaseModel):
    text: PromptText
    provider: str
    model: str
    usage: Usage
    cost_usd: float | None
    latency_ms: int
    ledger_id: int
    usage_source: UsageSource
    request_id: str | None


class TextDelta(BaseModel):
    text: PromptText


class StreamDone(BaseModel):
    result: LLMResult


StreamEvent = TextDelta | StreamDone
