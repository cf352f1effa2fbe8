"""Generate and revise: one gateway call, a robust parse, and a stored command card."""

from __future__ import annotations

import contextlib
import platform
from collections.abc import AsyncGenerator
from contextlib import aclosing
from dataclasses import dataclass
from typing import Any, Protocol, get_args

from pydantic import ValidationError
from sqlalchemy import Connection

from ..commands import cards
from ..commands.models import Card, CardCreate
from ..commands.models import Shell as RunnableShell
from ..db.service import Database
from ..errors import NotFound, ProviderError
from ..llm.provider_settings import ProvidersConfig
from ..llm.roles import Role, find_role
from ..llm.targets import role_model_for
from ..llm.types import CallContext, ChatMessage, LLMRequest, LLMResult, StreamDone, TextDelta
from ..redact import redact
from . import chatter, defaults, prompts
from .models import GenerateRequest, Generation, GenerationUsage, ReviseRequest, Revision
from .parse import ParsedAnswer, UnparseableAnswer, parse_answer

AGENT_ROLE = defaults.AGENT_ROLE
MAX_TOKENS = 1200
EXCERPT_CHARS = 600
_OS_NAMES = {"Darwin": "macOS", "Linux": "Linux", "Windows": "Windows"}


class Gateway(Protocol):
    async def complete(self, req: LLMRequest, ctx: CallContext = ...) -> LLMResult: ...

    def stream(
        self, req: LLMRequest, ctx: CallContext = ...
    ) -> AsyncGenerator[TextDelta | StreamDone, None]: ...


@dataclass(frozen=True)
class Call:
    """Everything about one Architect call that the card and the response need."""

    request: LLMRequest
    prompt: str
    shell: prompts.Shell
    os_name: str
    cwd: str | None
    revision: Revision | None = None
    history: tuple[str, ...] = ()
    # The model was chosen by hand (not "Default"): a revision keeps it.
    picked: bool = False


def server_os() -> str:
    system = platform.system()
    return _OS_NAMES.get(system, system or "Linux")


def _system(role: Role | None, shell: str, os_name: str) -> str:
    # The persona is the architect role's system prompt (editable in Settings → Roles).
    return prompts.system_prompt(role.system_prompt if role else None, shell, os_name)


def _role_model(role: Role | None, cfg: ProvidersConfig, provider: str | None) -> str | None:
    return role_model_for(cfg, provider, role.default_model if role else None)


async def prepare_generate(db: Database, req: GenerateRequest, cfg: ProvidersConfig) -> Call:
    os_name = (req.os or "").strip() or server_os()
    text = prompts.user_message(req.prompt, shell=req.shell, os_name=os_name, cwd=req.cwd)
    role = await find_role(db, AGENT_ROLE)
    provider = req.provider or None
    llm_req = LLMRequest(
        provider=provider,
        # "Default" is the architect role's model (Settings → Roles, or an applied suggestion).
        model=req.model or _role_model(role, cfg, provider),
        system=_system(role, req.shell, os_name),
        messages=[ChatMessage(role="user", content=text)],
        max_tokens=MAX_TOKENS,
        json_mode=True,
    )
    return Call(llm_req, req.prompt.strip(), req.shell, os_name, req.cwd, picked=bool(req.model))


def _meta(card: Card) -> dict[str, Any]:
    return card.explanation if isinstance(card.explanation, dict) else {}


def _revise_target(
    req: ReviseRequest, card: Card, role: Role | None, cfg: ProvidersConfig
) -> tuple[str | None, str | None]:
    """A model named now wins; then one picked by hand for the card; then the role's default;
    then what made the card."""
    if req.provider or req.model:
        provider = req.provider or None
        return provider, req.model or _role_model(role, cfg, provider)
    if not _meta(card).get("model_picked"):
        role_model = _role_model(role, cfg, None)
        if role_model:
            return None, role_model
    return card.provider, card.model


async def prepare_revise(db: Database, req: ReviseRequest, cfg: ProvidersConfig) -> Call:
    card = await db.read(lambda conn: cards.fetch_card(conn, req.card_id))
    meta = _meta(card)
    shell = meta.get("shell") if meta.get("shell") in prompts.SHELLS else card.shell
    shell = shell if shell in prompts.SHELLS else "bash"
    os_name = str(meta.get("os") or server_os())
    original = card.prompt or card.description or card.name
    # An explanation written for a command the user has since edited would mislead the model.
    current = meta.get("explained_command", card.command) == card.command
    previous = prompts.previous_answer(
        name=card.name,
        command=card.command,
        description=card.description,
        explanation=list(meta.get("parts") or []) if current else [],
        assumptions=list(meta.get("assumptions") or []) if current else [],
    )
    role = await find_role(db, AGENT_ROLE)
    provider, model = _revise_target(req, card, role, cfg)
    llm_req = LLMRequest(
        provider=provider,
        model=model,
        system=_system(role, shell, os_name),
        messages=[
            ChatMessage(
                role="user",
                content=prompts.user_message(original, shell=shell, os_name=os_name, cwd=card.cwd),
            ),
            ChatMessage(role="assistant", content=previous),
            ChatMessage(role="user", content=prompts.revision_message(req.feedback)),
        ],
        max_tokens=MAX_TOKENS,
        json_mode=True,
    )
    revision = Revision(
        previous_card_id=card.id, previous_deleted=req.replace, feedback=req.feedback.strip()
    )
    history = (*[str(f) for f in meta.get("feedback") or []], req.feedback.strip())
    picked = bool(req.model) or bool(meta.get("model_picked") and not req.provider)
    return Call(llm_req, original, shell, os_name, card.cwd, revision, history, picked)


def _parse(result: LLMResult) -> ParsedAnswer:
    try:
        return parse_answer(result.text)
    except UnparseableAnswer as exc:
        # The ledger row is already written by the gateway; point the user at it.
        exc.details = {
            "ledger_id": result.ledger_id,
            "provider": result.provider,
            "model": result.model,
            "answer_excerpt": redact(result.text[:EXCERPT_CHARS]),
        }
        raise


def _card_data(call: Call, answer: ParsedAnswer, result: LLMResult) -> CardCreate:
    runnable = call.shell in get_args(RunnableShell)
    explanation: dict[str, Any] = {
        "parts": [p.model_dump() for p in answer.explanation],
        "assumptions": answer.assumptions,
        "explained_command": answer.command,
        "shell": call.shell,
        "os": call.os_name,
    }
    if call.history:
        explanation["feedback"] = list(call.history)
    if call.picked:
        explanation["model_picked"] = True
    return CardCreate(
        name=chatter.card_name(answer.name, answer.description, call.prompt),
        command=answer.command,
        description=answer.description,
        # A command written for a shell the runner does not offer keeps its target as a tag.
        tags=[] if runnable else [call.shell],
        shell=call.shell if runnable else "bash",
        cwd=call.cwd,
        source="architect",
        prompt=call.prompt,
        provider=result.provider,
        model=result.model,
        ledger_id=result.ledger_id,
        explanation=explanation,
    )


def _save_card(conn: Connection, data: CardCreate, replaces: int | None) -> Card:
    # The risk analysis (a parse of the command) runs with the insert: one hop off the loop.
    card = cards.insert_card(conn, cards.card_values(data))
    if replaces is not None:
        # Deleted meanwhile: the new card stands on its own (the call was billed for it).
        with contextlib.suppress(NotFound):
            cards.replace_card_in(conn, replaces, card.id)
    return card


async def _store(db: Database, call: Call, result: LLMResult) -> Generation:
    answer = _parse(result)
    try:
        data = _card_data(call, answer, result)
    except ValidationError as exc:
        # Model output is bounded by the parser; this guards the card model's other rules.
        raise UnparseableAnswer(
            f"The answer could not be stored as a command card: {exc.errors()[0]['msg']}",
            details={"ledger_id": result.ledger_id},
        ) from None
    revision = call.revision
    replaces = revision.previous_card_id if revision and revision.previous_deleted else None
    card = await db.write(lambda conn: _save_card(conn, data, replaces))
    return Generation(
        card=card,
        explanation=answer.explanation,
        assumptions=answer.assumptions,
        usage=GenerationUsage(
            input_tokens=result.usage.input_tokens,
            output_tokens=result.usage.output_tokens,
            total_cost_usd=result.cost_usd,
            latency_ms=result.latency_ms,
            usage_source=result.usage_source,
        ),
        ledger_id=result.ledger_id,
        provider=result.provider,
        model=result.model,
        shell=call.shell,
        os=call.os_name,
        answer_format=answer.format,
        revision=call.revision,
    )


def _context() -> CallContext:
    return CallContext(agent_role=AGENT_ROLE)


def _rejects_json_mode(exc: ProviderError, req: LLMRequest) -> bool:
    # Some OpenAI-compatible servers (LM Studio, older vLLM) refuse response_format=json_object;
    # the answer contract in the system prompt still asks for JSON, so ask again without it.
    return req.json_mode and "response_format" in exc.message and exc.status_code == 502


async def run(gateway: Gateway, db: Database, call: Call) -> Generation:
    try:
        result = await gateway.complete(call.request, _context())
    except ProviderError as exc:
        if not _rejects_json_mode(exc, call.request):
            raise
        plain = call.request.model_copy(update={"json_mode": False})
        result = await gateway.complete(plain, _context())
    return await _store(db, call, result)


async def run_stream(
    gateway: Gateway, db: Database, call: Call
) -> AsyncGenerator[TextDelta | Generation, None]:
    """Text deltas as the model writes, then the stored Generation."""
    request, started = call.request, False
    while True:
        try:
            async with aclosing(gateway.stream(request, _context())) as events:
                async for event in events:
                    started = True
                    if isinstance(event, TextDelta):
                        yield event
                    else:
                        yield await _store(db, call, event.result)
                        return
        except ProviderError as exc:
            if started or not _rejects_json_mode(exc, request):
                raise
            request = request.model_copy(update={"json_mode": False})
            continue
        raise ProviderError("The provider's stream ended without a final result.")
