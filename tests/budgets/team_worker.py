"""A second Forge process for the team-mode budget tests: a gateway with the budget guard on a
shared database, driven over stdin/stdout (one JSON line per command, one per answer).

Run as ``python -m tests.budgets.team_worker <database url> <data dir>`` with OPENAI_BASE_URL and
OPENAI_API_KEY pointing at the fake provider. Commands: ``{"calls": n}`` makes n concurrent
calls and answers ``{"ok": k, "refused": m, "errors": [...]}``; ``{"quit": true}`` ends it.
"""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

from forge_orchestrator.budgets.guard import BudgetGuard
from forge_orchestrator.db.engine import make_engine
from forge_orchestrator.errors import BudgetExceeded
from forge_orchestrator.llm.component import build_gateway
from forge_orchestrator.llm.types import ChatMessage, LLMRequest
from tests.conftest import make_settings

# Answered by the fake with max_tokens output tokens, so a call costs its worst case.
REQUEST = LLMRequest(
    provider="openai",
    model="gpt-6.2-sol",
    max_tokens=500,
    messages=[ChatMessage(role="user", content="hi")],
)


async def serve(database_url: str, data_dir: Path) -> None:
    engine = make_engine(database_url)
    gw = build_gateway(engine, make_settings(data_dir, database_url=database_url))
    gw.set_budget_hook(BudgetGuard(engine))
    loop = asyncio.get_running_loop()
    print(json.dumps({"ready": True}), flush=True)
    try:
        while True:
            line = await loop.run_in_executor(None, sys.stdin.readline)
            command = json.loads(line or '{"quit": true}')
            if command.get("quit"):
                return
            results = await asyncio.gather(
                *(gw.complete(REQUEST) for _ in range(int(command["calls"]))),
                return_exceptions=True,
            )
            refused = [r for r in results if isinstance(r, BudgetExceeded)]
            errors = [
                repr(r)
                for r in results
                if isinstance(r, BaseException) and not isinstance(r, BudgetExceeded)
            ]
            print(
                json.dumps(
                    {
                        "ok": sum(not isinstance(r, BaseException) for r in results),
                        "refused": len(refused),
                        "errors": errors,
                    }
                ),
                flush=True,
            )
    finally:
        await gw.aclose()
        engine.dispose()


if __name__ == "__main__":
    asyncio.run(serve(sys.argv[1], Path(sys.argv[2])))
