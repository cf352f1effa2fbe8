"""Command cards over HTTP: CRUD, search, export and import."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query, Request, Response
from starlette.concurrency import run_in_threadpool

from ..commands import cards, importing
from ..commands.models import (
    Card,
    CardCreate,
    CardUpdate,
    ExportBundle,
    ImportResult,
    OnDuplicate,
)
from ..db.service import app_db
from ..errors import ErrorResponse
from ..request_limits import parse_body
from .params import RowId
from .rows_json import json_bytes, json_response

_WHY = {
    404: "No such card or run.",
    409: "Conflict: a dangerous command needs confirmation, the run already finished, or "
    "(import with on_duplicate=ask) cards of the file are already in the deck.",
    422: "Invalid input: a field, a missing required variable, a missing working directory.",
}
# The import body is read by hand (see below); this documents it as the declared model would.
_IMPORT_BODY = {
    "requestBody": {
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ExportBundle"}}},
        "required": True,
    }
}


def errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    return {code: {"model": ErrorResponse, "description": _WHY[code]} for code in codes}


router = APIRouter(prefix="/commands", tags=["commands"], responses=errors(422))


@router.get("", response_model=list[Card])
async def list_cards(
    request: Request,
    q: str | None = Query(
        None, max_length=500, description="Text in name, command, description or tags."
    ),
    tag: str | None = Query(None, max_length=50),
) -> Response:
    body = await app_db(request.app).read(
        lambda conn: json_bytes(cards.card_list(conn, q=q, tag=tag))
    )
    return json_response(body)


@router.post("", response_model=Card, status_code=201)
async def create_card(request: Request, body: CardCreate) -> Card:
    return await app_db(request.app).write(lambda c: cards.create_card(c, body))


@router.get("/tags", response_model=list[str])
async def list_tags(request: Request) -> list[str]:
    return await app_db(request.app).read(cards.all_tags)


@router.get("/export", response_model=ExportBundle)
async def export_cards(request: Request, response: Response) -> ExportBundle:
    response.headers["Content-Disposition"] = 'attachment; filename="forge-commands.json"'
    return await app_db(request.app).read(cards.export_cards)


def _rows(raw: bytes, content_type: str | None, max_cards: int) -> list[dict[str, Any]]:
    bundle = parse_body(raw, content_type, ExportBundle, items="cards", max_items=max_cards)
    return importing.import_rows(bundle)


@router.post(
    "/import",
    response_model=ImportResult,
    status_code=201,
    openapi_extra=_IMPORT_BODY,
    responses=errors(409),
)
async def import_cards(
    request: Request,
    on_duplicate: OnDuplicate = Query(
        "keep",
        description="For a card whose name and command are already in the deck: keep (add a "
        "copy), skip it, replace the existing card (it keeps its id and runs), or ask "
        "(store nothing; 409 duplicate_cards with the count).",
    ),
) -> Response:
    # Parsing, validating and answering thousands of cards takes seconds of CPU: it runs in
    # worker threads, so the event loop (health, SSE, terminals) keeps serving, and the
    # database's writer is held only for the inserts.
    raw = await request.body()
    limit: int = request.app.state.settings.import_max_cards
    kind = request.headers.get("content-type")
    rows = await run_in_threadpool(_rows, raw, kind, limit)
    result = await app_db(request.app).write(
        lambda c: importing.import_cards(c, rows, on_duplicate)
    )
    body = await run_in_threadpool(importing.result_json, result)
    return Response(body, status_code=201, media_type="application/json")


@router.get("/{card_id:int}", response_model=Card, responses=errors(404))
async def get_card(request: Request, card_id: RowId) -> Card:
    return await app_db(request.app).read(lambda c: cards.get_card(c, card_id))


@router.put("/{card_id:int}", response_model=Card, responses=errors(404))
async def update_card(request: Request, card_id: RowId, body: CardUpdate) -> Card:
    return await app_db(request.app).write(lambda c: cards.update_card(c, card_id, body))


@router.delete("/{card_id:int}", status_code=204, responses=errors(404))
async def delete_card(request: Request, card_id: RowId) -> Response:
    await app_db(request.app).write(lambda c: cards.delete_card(c, card_id))
    return Response(status_code=204)
