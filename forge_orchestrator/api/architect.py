"""POST /api/architect/generate (+ /stream as Server-Sent Events) and /api/architect/revise."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

from fastapi import APIRouter, Query, Request
from sse_starlette import EventSourceResponse, ServerSentEvent

from ..architect import service
from ..architect.defaults import DefaultModel, default_model
from ..architect.models import GenerateRequest, Generation, ReviseRequest
from ..errors import AppError, error_body
from ..llm.provider_settings import ProvidersConfig
from ..llm.types import TextDelta

router = APIRouter(prefix="/architect", tags=["architect"])

STREAM_DOC = (
    "Server-Sent Events: `delta` {text} while the answer arrives, then `result` (the same object "
    "as the non-streaming endpoint) or `error` (the error shape). Errors before the first event "
    "(validation, no provider configured, budget) are ordinary HTTP error responses."
)


def _gateway(request: Request) -> service.Gateway:
    gateway: service.Gateway = request.app.state.gateway
    return gateway


def _providers(request: Request) -> ProvidersConfig:
    cfg: ProvidersConfig = request.app.state.gateway.providers.get()
    return cfg


@router.get("/default-model", response_model=DefaultModel)
async def get_default_model(
    request: Request, provider: str | None = Query(None, max_length=100)
) -> DefaultModel:
    """What a request that names no model (optionally naming `provider`) would use: the
    architect role's default model when it fits, else the provider's default."""
    gateway = request.app.state.gateway
    return await default_model(
        request.app.state.db, _providers(request), gateway.secrets(), provider or None
    )


@router.post("/generate", status_code=201, response_model=Generation)
async def generate(body: GenerateRequest, request: Request) -> Generation:
    """Ask the model for one command; it is stored as a command card (source "architect")."""
    call = await service.prepare_generate(request.app.state.db, body, _providers(request))
    return await service.run(_gateway(request), request.app.state.db, call)


@router.post("/revise", status_code=201, response_model=Generation)
async def revise(body: ReviseRequest, request: Request) -> Generation:
    """Revise a card with feedback. The revision is stored as a NEW card (its own provenance);
    with `replace: true` the original card is deleted once the revision is stored."""
    call = await service.prepare_revise(request.app.state.db, body, _providers(request))
    return await service.run(_gateway(request), request.app.state.db, call)


def _sse(item: TextDelta | Generation) -> ServerSentEvent:
    if isinstance(item, TextDelta):
        return ServerSentEvent(event="delta", data=json.dumps({"text": item.text}))
    return ServerSentEvent(event="result", data=item.model_dump_json())


async def _event_stream(call: service.Call, request: Request) -> EventSourceResponse:
    events = service.run_stream(_gateway(request), request.app.state.db, call)
    # The first event is awaited here so failures before any output get a real HTTP status.
    first = await anext(events)

    async def body() -> AsyncIterator[ServerSentEvent]:
        try:
            yield _sse(first)
            async for item in events:
                yield _sse(item)
        except AppError as exc:
            payload = error_body(exc.code, exc.message, exc.details)
            yield ServerSentEvent(event="error", data=json.dumps(payload))
        finally:
            await events.aclose()

    return EventSourceResponse(body(), ping=15, headers={"Cache-Control": "no-store"})


@router.post("/generate/stream", response_class=EventSourceResponse, description=STREAM_DOC)
async def generate_stream(body: GenerateRequest, request: Request) -> EventSourceResponse:
    call = await service.prepare_generate(request.app.state.db, body, _providers(request))
    return await _event_stream(call, request)


@router.post("/revise/stream", response_class=EventSourceResponse, description=STREAM_DOC)
async def revise_stream(body: ReviseRequest, request: Request) -> EventSourceResponse:
    call = await service.prepare_revise(request.app.state.db, body, _providers(request))
    return await _event_stream(call, request)
