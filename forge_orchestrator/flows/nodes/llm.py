"""The LLM node: one gateway call (streamed to watchers), gated for approval with its cost."""

from __future__ import annotations

import asyncio
import json
import re
from typing import Any, Literal

from pydantic import Field
from sqlalchemy import Connection

from ...errors import AppError, ProviderError
from ...llm.roles import role_in
from ...llm.types import CallContext, ChatMessage, LLMRequest, LLMResult, StreamDone, TextDelta
from ..records import NodeRecord
from ..services import LlmGateway
from ..templates import NodeValues, render
from .base import (
    RETRY_FIELDS,
    FieldOption,
    FormField,
    Lookups,
    NodeType,
    RetryableData,
    StepContext,
)

_FENCE = re.compile(r"^\s*```(?:json)?\s*\n(.*?)\n\s*```\s*$", re.S)
ROLE_SUGGESTIONS = ["architect", "planner", "implementer", "tester", "reviewer", "optimizer"]


def parse_json(text: str) -> Any:
    """The JSON value in text (a fenced ```json block is unwrapped); raises ValueError."""
    fenced = _FENCE.match(text)
    return json.loads(fenced.group(1) if fenced else text)


class LlmData(RetryableData):
    prompt: str = Field(min_length=1, max_length=500_000)
    agent_role: str | None = Field(None, max_length=100)
    provider: str | None = Field(None, max_length=100)
    model: str | None = Field(None, max_length=200)
    max_tokens: int = Field(1024, ge=1, le=200_000)
    temperature: float | None = Field(None, ge=0, le=2)
    system: str | None = Field(None, max_length=200_000)
    output: Literal["text", "json"] = "text"


class LlmNode(NodeType[LlmData]):
    name = "llm"
    data_model = LlmData
    label = "LLM"
    description = "Ask a model, played by an agent role"
    icon = "✦"
    defaults = {"prompt": "", "max_tokens": 1024, "retries": 0, "output": "text"}
    gate = "unless_auto_approve"
    template_fields = ("prompt", "system")
    fields = (
        FormField(name="prompt", kind="template", label="Prompt", multiline=True, required=True,
                  help="Type {{ to insert an upstream result or an input."),
        FormField(name="system", kind="template", label="System prompt (optional)",
                  multiline=True),
        FormField(name="agent_role", kind="text", label="Agent role", placeholder="none",
                  suggestions=ROLE_SUGGESTIONS, group="row:who"),
        FormField(name="provider", kind="provider", label="Provider", placeholder="default",
                  group="row:who"),
        FormField(name="model", kind="model", label="Model", placeholder="default",
                  group="row:model"),
        FormField(name="output", kind="select", label="Output", group="row:model",
                  options=[FieldOption(value="text", label="Text"),
                           FieldOption(value="json", label="JSON")]),
        FormField(name="max_tokens", kind="number", label="Max tokens", minimum=1,
                  group="row:limits"),
        FormField(name="temperature", kind="number", label="Temperature", minimum=0, maximum=2,
                  step=0.1, placeholder="default", group="row:limits"),
        *RETRY_FIELDS,
    )  # fmt: skip

    def resolve(
        self, conn: Connection, node_id: str, data: LlmData, found: Lookups
    ) -> list[tuple[str, str]]:
        name = data.agent_role
        if not name or name in found.roles:
            return []
        role = role_in(conn, name)
        if role is None:
            return [("agent_role", f"no agent role {name!r}")]
        found.roles[name] = role
        return []

    def request(self, ctx: StepContext, data: LlmData, values: dict[str, NodeValues]) -> LLMRequest:
        role = ctx.services.roles.get(data.agent_role or "")
        system = (
            render(data.system, values, ctx.run.inputs)
            if data.system is not None
            else (role.system_prompt if role is not None else None)
        )
        prompt = ctx.redact(render(data.prompt, values, ctx.run.inputs))
        return LLMRequest(
            provider=data.provider,
            model=data.model or (role.default_model if role is not None else None),
            messages=[ChatMessage(role="user", content=prompt)],
            system=ctx.redact(system) if system else None,
            max_tokens=data.max_tokens,
            temperature=data.temperature,
            json_mode=data.output == "json",
            timeout_s=data.timeout_s,
        )

    async def prepare_gate(
        self,
        ctx: StepContext,
        node_id: str,
        data: LlmData,
        rec: NodeRecord,
        values: dict[str, NodeValues],
    ) -> None:
        req = self.request(ctx, data, values)
        rec.input = req.messages[0].content
        gateway = ctx.services.gateway
        if gateway is not None:
            # The estimate may read prices and provider settings from the database.
            try:
                value = await asyncio.to_thread(gateway.estimate_cost, req)
            except AppError:
                value = None
            rec.estimated_cost_usd = None if value is None else float(value)

    async def execute(
        self,
        ctx: StepContext,
        node_id: str,
        data: LlmData,
        rec: NodeRecord,
        values: dict[str, NodeValues],
        cancel: asyncio.Event,
    ) -> bool:
        gateway = ctx.services.gateway
        if gateway is None:
            rec.error = "The LLM gateway is not available"
            return False
        req = self.request(ctx, data, values)
        rec.input = req.messages[0].content
        call = CallContext(
            agent_role=data.agent_role,
            flow_id=None if ctx.run.flow_id is None else str(ctx.run.flow_id),
            run_id=str(ctx.run.id),
            node_id=node_id,
        )
        try:
            async with asyncio.timeout(data.timeout_s):
                result = await _streamed(ctx, gateway, node_id, req, call)
        except TimeoutError:
            rec.error = f"Timed out after {data.timeout_s:g}s"
            return False
        rec.input_tokens = (rec.input_tokens or 0) + result.usage.input_tokens
        rec.output_tokens = (rec.output_tokens or 0) + result.usage.output_tokens
        if result.cost_usd is not None:
            rec.cost_usd = (rec.cost_usd or 0.0) + result.cost_usd
        rec.output = result.text
        rec.json = None
        if data.output == "json":
            try:
                rec.json = parse_json(result.text)
            except ValueError as exc:
                rec.error = f"The model's reply is not valid JSON: {exc}"
                return False
        return True


async def _streamed(
    ctx: StepContext, gateway: LlmGateway, node_id: str, req: LLMRequest, call: CallContext
) -> LLMResult:
    """Stream, so watchers see the text as it arrives; the result comes last."""
    done: LLMResult | None = None
    async for event in gateway.stream(req, call):
        if isinstance(event, TextDelta):
            ctx.output(node_id, "stdout", event.text)
        elif isinstance(event, StreamDone):
            done = event.result
    if done is None:
        raise ProviderError("The model's stream ended without a result")
    return done
