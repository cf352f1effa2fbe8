"""GET/PUT /api/budgets (PUT replaces the set) and GET /api/budgets/status."""

from __future__ import annotations

from fastapi import APIRouter, Request

from ..budgets.guard import list_budgets, save_budgets
from ..budgets.models import BudgetList, BudgetSet, BudgetStatus
from ..budgets.status import budget_status
from ..db.service import app_db

router = APIRouter(tags=["budgets"])


@router.get("/budgets", response_model=BudgetList)
async def get_budgets(request: Request) -> BudgetList:
    items = await app_db(request.app).read(list_budgets)
    return BudgetList(budgets=items)


@router.put("/budgets", response_model=BudgetList)
async def put_budgets(request: Request, body: BudgetSet) -> BudgetList:
    items = await save_budgets(app_db(request.app), body)
    return BudgetList(budgets=items)


@router.get("/budgets/status", response_model=BudgetStatus)
async def get_budget_status(request: Request) -> BudgetStatus:
    return await app_db(request.app).read(budget_status)
