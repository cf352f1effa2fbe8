"""Executes one node attempt: a shell process, a gateway call or a condition; fills its record."""

from __future__ import annotations

import asyncio
import inspect
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine

from ..errors import AppError, ProviderError
from ..procs.containment import new_tag, scope
from ..redact import redact
from ..settings import Settings
from .conditions import ConditionError, describe, evaluate
from .definition import ApprovalData, ConditionData, LlmData, ShellData
from .graph import FlowGraph
from .records import NodeRecord, RunRecord
from .templates import NodeValues, TemplateError, render, render_shell

OutputSink = Callable[[str, str, str], None]
_FENCE = re.compile(r"^\s*```(?:json)?\s*\n(.*?)\n\s*```\s*$", re.S)


@dataclass(frozen=True)
class CardCommand:
    """A command card resolved when the run starts."""

    command: str
    shell: str = "bash"
    cwd: str | None = None
    variables: tuple[Any, ...] = ()


@dataclass
class StepServices:
    engine: Engine
    settings: Settings
    gateway: Any = None
    secrets: Any = None
    roles: Mapping[str, Any] = field(default_factory=dict)


class _Capped:
    def __init__(self, cap: int) -> None:
        self.cap = cap
        self.parts: list[str] = []
        self.size = 0
        self.truncated = False

    def add(self, text: str) -> None:
        room = self.cap - self.size
        if room <= 0:
            self.truncated = True
            return
        piece = text[:room]
        self.truncated = self.truncated or len(piece) < len(text)
        self.parts.append(piece)
        self.size += len(piece)

    def text(self) -> str:
        out = "".join(self.parts)
        return out + "\n[output truncated]" if self.truncated else out


def parse_json(text: str) -> Any:
    """The JSON value in text (a fenced ```json block is unwrapped); raises ValueError."""
    fenced = _FENCE.match(text)
    return json.loads(fenced.group(1) if fenced else text)


class StepRunner:
    def __init__(
        self,
        graph: FlowGraph,
        run: RunRecord,
        services: StepServices,
        cards: Mapping[str, CardCommand],
        on_output: OutputSink | None = None,
    ) -> None:
        self.graph = graph
        self.run = run
        self.services = services
        self.cards = cards
        self.on_output = on_output

    def _redact(self, text: str) -> str:
        secrets = self.services.secrets
        if secrets is not None and hasattr(secrets, "redact"):
            return str(secrets.redact(text))
        return redact(text)

    # ---- gate ------------------------------------------------------------------------

    async def prepare_gate(
        self, node_id: str, rec: NodeRecord, values: dict[str, NodeValues]
    ) -> None:
        data = self.graph.data[node_id]
        try:
            if isinstance(data, ApprovalData):
                rec.input = render(data.message or "", values, self.run.inputs) or None
            elif isinstance(data, LlmData):
                req = self._llm_request(data, values)
                rec.input = req.messages[0].content
                rec.estimated_cost_usd = await self._estimate(req)
        except (TemplateError, AppError) as exc:
            rec.error = str(exc)

    async def _estimate(self, req: Any) -> float | None:
        gateway = self.services.gateway
        if gateway is None or not hasattr(gateway, "estimate_cost"):
            return None
        try:
            # The estimate may read prices and provider settings from the database.
            if inspect.iscoroutinefunction(gateway.estimate_cost):
                value = await gateway.estimate_cost(req)
            else:
                value = await asyncio.to_thread(gateway.estimate_cost, req)
        except AppError:
            return None
        return None if value is None else float(value)

    # ---- attempt ---------------------------------------------------------------------

    async def execute(
        self, node_id: str, rec: NodeRecord, values: dict[str, NodeValues], cancel: asyncio.Event
    ) -> bool:
        data = self.graph.data[node_id]
        rec.error = None
        try:
            if isinstance(data, ShellData):
                return await self._shell(node_id, data, rec, values, cancel)
            if isinstance(data, LlmData):
                return await self._llm(node_id, data, rec, values)
            if isinstance(data, ConditionData):
                return self._condition(data, rec, values)
            return True
        except (TemplateError, ConditionError) as exc:
            rec.error = str(exc)
        except AppError as exc:
            rec.error = self._redact(exc.message)
        return False

    async def _shell(
        self,
        node_id: str,
        data: ShellData,
        rec: NodeRecord,
        values: dict[str, NodeValues],
        cancel: asyncio.Event,
    ) -> bool:
        from ..commands.process import run_process

        settings = self.services.settings
        inputs = self.run.inputs
        card = self.cards.get(node_id)
        card_values = {k: render(v, values, inputs) for k, v in data.variables.items()}
        rendered = render_shell(
            card.command if card else data.command or "",
            values,
            inputs,
            card_values if card else None,
            card.variables if card else (),
        )
        command = rendered.command
        # The recorded input is exactly what runs: values are bound in the environment.
        rec.input = self._redact(command)
        if rendered.nested:
            # Nobody can confirm mid-run, and an upstream output (an LLM's, say) is untrusted.
            rec.error = (
                "Refused: a value would be parsed as code by a nested interpreter ("
                + "; ".join(rendered.nested)
                + "). Pass it as an argument instead, e.g. bash -c '… \"$1\" …' _ {{ … }}"
            )
            return False
        cwd_template = data.cwd or (card.cwd if card else None)
        cwd = render(cwd_template, values, inputs) if cwd_template else None
        env = {k: render(v, values, inputs) for k, v in data.env.items()}
        env.update(rendered.env)  # last, so a node's env cannot change what a reference means
        timeout = min(
            data.timeout_s or settings.command_default_timeout_s, settings.command_max_timeout_s
        )
        cap = settings.command_output_cap_bytes
        out, err = _Capped(cap), _Capped(cap)

        def on_chunk(stream: str, text: str) -> None:
            (out if stream == "stdout" else err).add(text)
            if self.on_output is not None:
                self.on_output(node_id, stream, text)

        result = await run_process(
            command,
            shell=card.shell if card else "bash",
            cwd=cwd,
            env=env or None,
            timeout_s=timeout,
            output_cap=cap,
            on_chunk=on_chunk,
            cancel=cancel,
            tag=new_tag(scope(settings.data_dir), "flow"),
        )
        rec.exit_code = result.exit_code
        rec.output = self._redact(out.text())
        rec.stderr = self._redact(err.text()) or None
        rec.json = None
        stripped = rec.output.strip()
        if stripped[:1] in ("{", "[") and not out.truncated:
            try:
                rec.json = json.loads(stripped)
            except ValueError:
                rec.json = None
        if result.status == "succeeded":
            return True
        if result.status == "timed_out":
            rec.error = f"Timed out after {timeout:g}s (process group killed)"
        elif result.status == "cancelled":
            rec.error = "Cancelled"
        else:
            tail = (rec.stderr or "").strip().splitlines()[-1:] or [""]
            rec.error = f"Exited with code {result.exit_code}" + (
                f": {tail[0][:300]}" if tail[0] else ""
            )
        return False

    def _llm_request(self, data: LlmData, values: dict[str, NodeValues]) -> Any:
        from ..llm.types import ChatMessage, LLMRequest

        role = self.services.roles.get(data.agent_role or "")
        system_template = data.system if data.system is not None else None
        system = (
            render(system_template, values, self.run.inputs)
            if system_template is not None
            else getattr(role, "system_prompt", None)
        )
        prompt = self._redact(render(data.prompt, values, self.run.inputs))
        return LLMRequest(
            provider=data.provider,
            model=data.model or getattr(role, "default_model", None),
            messages=[ChatMessage(role="user", content=prompt)],
            system=self._redact(system) if system else None,
            max_tokens=data.max_tokens,
            temperature=data.temperature,
            json_mode=data.output == "json",
            timeout_s=data.timeout_s,
        )

    async def _llm(
        self, node_id: str, data: LlmData, rec: NodeRecord, values: dict[str, NodeValues]
    ) -> bool:
        from ..llm.types import CallContext

        gateway = self.services.gateway
        if gateway is None:
            rec.error = "The LLM gateway is not available"
            return False
        req = self._llm_request(data, values)
        rec.input = req.messages[0].content
        ctx = CallContext(
            agent_role=data.agent_role,
            flow_id=None if self.run.flow_id is None else str(self.run.flow_id),
            run_id=str(self.run.id),
            node_id=node_id,
        )
        try:
            async with asyncio.timeout(data.timeout_s):
                result = await self._call(gateway, node_id, req, ctx)
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

    async def _call(self, gateway: Any, node_id: str, req: Any, ctx: Any) -> Any:
        """Stream when the gateway can, so watchers see the text as it arrives."""
        from ..llm.types import StreamDone, TextDelta

        if not hasattr(gateway, "stream"):
            result = await gateway.complete(req, ctx)
            if self.on_output is not None:
                self.on_output(node_id, "stdout", result.text)
            return result
        done: Any = None
        async for event in gateway.stream(req, ctx):
            if isinstance(event, TextDelta) and self.on_output is not None:
                self.on_output(node_id, "stdout", event.text)
            elif isinstance(event, StreamDone):
                done = event.result
        if done is None:
            raise ProviderError("The model's stream ended without a result")
        return done

    def _condition(
        self, data: ConditionData, rec: NodeRecord, values: dict[str, NodeValues]
    ) -> bool:
        rec.input = describe(data)
        if data.source not in values:
            raise ConditionError(f"node {data.source} did not run, so there is nothing to test")
        result = evaluate(data, values[data.source])
        rec.output = "true" if result else "false"
        rec.json = {"result": result}
        return True
