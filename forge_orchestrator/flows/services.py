"""What flow steps need from the rest of the app, as protocols: gateway, redaction, processes."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass, field
from typing import Protocol

from sqlalchemy import Engine

from ..commands.models import Variable
from ..commands.process import ProcessResult, run_process
from ..llm.types import CallContext, LLMRequest, StreamEvent
from ..settings import Settings

OutputSink = Callable[[str, str, str], None]
"""on_output(node_id, stream, text): live output for watchers of a run."""


class LlmGateway(Protocol):
    """The part of llm.gateway.Gateway that LLM steps call."""

    def stream(
        self, req: LLMRequest, ctx: CallContext | None = None
    ) -> AsyncIterator[StreamEvent]: ...

    def estimate_cost(self, req: LLMRequest) -> float | None:
        """Blocking: it may read prices and provider settings from the database."""


class Redactor(Protocol):
    """Removes stored secret values from text (keyring's SecretStore)."""

    def redact(self, text: str) -> str: ...


class AgentRole(Protocol):
    """An agent role as steps read it: a system prompt and an optional default model."""

    @property
    def system_prompt(self) -> str: ...

    @property
    def default_model(self) -> str | None: ...


class CommandRunner(Protocol):
    """Runs one shell command in its own process group (commands.process.run_process)."""

    async def __call__(
        self,
        command: str,
        *,
        shell: str = "bash",
        cwd: str | None = None,
        env: Mapping[str, str] | None = None,
        timeout_s: float,
        output_cap: int,
        on_chunk: Callable[[str, str], None] | None = None,
        cancel: asyncio.Event | None = None,
        tag: str | None = None,
    ) -> ProcessResult: ...


@dataclass(frozen=True)
class CardCommand:
    """A command card resolved when the run starts."""

    command: str
    shell: str = "bash"
    cwd: str | None = None
    variables: tuple[Variable, ...] = ()


@dataclass
class StepServices:
    engine: Engine
    settings: Settings
    gateway: LlmGateway | None = None
    secrets: Redactor | None = None
    roles: Mapping[str, AgentRole] = field(default_factory=dict)
    run_command: CommandRunner = run_process
