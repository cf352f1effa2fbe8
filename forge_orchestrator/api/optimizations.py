"""GET /api/optimizations; apply, dismiss and undo suggestions; the history of actions."""

from __future__ import annotations

from fastapi import APIRouter, Path, Request

from ..db.service import app_db
from ..ledger.prices import price_book
from ..optimizer import service as optimizer
from ..optimizer.models import Action, ActionList, SuggestionList
from .params import RowId

router = APIRouter(tags=["optimizations"])
SuggestionId = Path(pattern=r"^[0-9a-f]{16}$")


@router.get("/optimizations", response_model=SuggestionList)
async def list_optimizations(request: Request, include_dismissed: bool = False) -> SuggestionList:
    db, book = app_db(request.app), price_book(request.app)
    return await optimizer.suggestions(db, book, include_dismissed=include_dismissed)


@router.get("/optimizations/actions", response_model=ActionList)
async def list_actions(request: Request) -> ActionList:
    return await app_db(request.app).read(optimizer.list_actions)


@router.post("/optimizations/actions/{action_id}/undo", response_model=Action)
async def undo_action(request: Request, action_id: RowId) -> Action:
    return await optimizer.undo(app_db(request.app), action_id)


@router.post("/optimizations/{suggestion_id}/apply", response_model=Action)
async def apply_suggestion(request: Request, suggestion_id: str = SuggestionId) -> Action:
    return await optimizer.apply(app_db(request.app), price_book(request.app), suggestion_id)


@router.post("/optimizations/{suggestion_id}/dismiss", response_model=Action)
async def dismiss_suggestion(request: Request, suggestion_id: str = SuggestionId) -> Action:
    return await optimizer.dismiss(app_db(request.app), price_book(request.app), suggestion_id)
