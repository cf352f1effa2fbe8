"""GET/PUT /api/budgets (PUT replaces the set) and GET /api/budgets/status."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool

from ..budgets.guard import list_budgets, replace_budgets
from ..budgets.models import BudgetList, BudgetSet, BudgetStatus
from ..budgets.status import budget_status

router = APIRouter(tags=["budgets"])


@router.get("/budgets", response_model=BudgetList)
async def get_budgets(request: Request) -> BudgetList:
    items = await run_in_threadpool(list_budgets, request.app.state.engine)
    return BudgetList(budgets=items)


@router.put("/budgets", response_model=BudgetList)
async def put_budgets(request: Request, body: BudgetSet) -> BudgetList:
    items = await run_in_threadpool(replace_budgets, request.app.state.engine, body)
    return BudgetList(budgets=items)


@router.get("/budgets/status", response_model=BudgetStatus)
async def get_budget_status(request: Request) -> BudgetStatus:
    return await run_in_threadpool(budget_status, request.app.state.engine)
