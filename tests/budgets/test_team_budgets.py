"""Budgets hold across Forge processes sharing one PostgreSQL database (team mode, issue #17).

Each worker is its own OS process (tests/budgets/team_worker.py) with its own memory, so
nothing one process remembers can hide a budget another process set.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, select

from forge_orchestrator.budgets.models import BudgetSet, BudgetSpec
from forge_orchestrator.db.tables import budget_reservations, token_ledger
from tests.budgets.conftest import set_budgets
from tests.fakes.llm_server import FakeLLMServer, Reply

ROOT = Path(__file__).resolve().parents[2]
# gpt-6.2-sol: 500 output tokens x $10/M = $0.005 a call, a little more with the input.
CALL_USD = 0.005


class Worker:
    def __init__(self, url: str, data_dir: Path) -> None:
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tests.budgets.team_worker", url, str(data_dir)],
            cwd=ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.answer() == {"ready": True}

    def send(self, command: dict[str, Any]) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(json.dumps(command) + "\n")
        self.proc.stdin.flush()

    def answer(self) -> dict[str, Any]:
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        assert line, f"worker exited with {self.proc.wait(30)}"
        return dict(json.loads(line))

    def calls(self, n: int) -> dict[str, Any]:
        self.send({"calls": n})
        return self.answer()

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.send({"quit": True})
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


@pytest.fixture
def workers(
    pg_engine: Engine, tmp_path: Path, fake_llm_env: FakeLLMServer
) -> Iterator[list[Worker]]:
    """Two processes; the fake provider's address and key are in their environment."""
    url = pg_engine.url.render_as_string(hide_password=False)
    started: list[Worker] = []
    try:
        for name in ("a", "c"):
            started.append(Worker(url, tmp_path / name))
        yield started
    finally:
        for worker in started:
            worker.stop()


def _spent_and_ok(engine: Engine) -> tuple[float, int]:
    with engine.connect() as conn:
        spent = conn.execute(select(func.sum(token_ledger.c.total_cost_usd))).scalar_one()
        ok = conn.execute(
            select(func.count()).where(token_ledger.c.status == "SUCCESS")
        ).scalar_one()
    return float(spent or 0.0), int(ok)


def _global(limit: float) -> BudgetSet:
    return BudgetSet(budgets=[BudgetSpec(scope="global", period="day", limit_usd=limit)])


def test_a_budget_another_process_sets_holds_this_process_s_very_next_calls(
    pg_engine: Engine, workers: list[Worker], fake_llm_env: FakeLLMServer
) -> None:
    """Before: A remembered "no budgets" for 2 s after a call, so after B set a budget with room
    for one more call, A's next 5 calls were all allowed (5 x $0.005 over a $0.0125 limit)."""
    fake_llm_env.default = Reply(text="x", input_tokens=1, output_tokens=500)
    a = workers[0]
    assert a.calls(1) == {"ok": 1, "refused": 0, "errors": []}  # no budget yet
    set_budgets(pg_engine, _global(2.5 * CALL_USD))  # "B": this test process
    assert a.calls(5) == {"ok": 1, "refused": 4, "errors": []}
    spent, ok = _spent_and_ok(pg_engine)
    assert ok == 2 and spent <= 2.5 * CALL_USD


def test_two_processes_calling_at_once_never_overshoot_a_budget_set_meanwhile(
    pg_engine: Engine, workers: list[Worker], fake_llm_env: FakeLLMServer
) -> None:
    fake_llm_env.default = Reply(text="x", input_tokens=1, output_tokens=500, delay_s=0.05)
    for worker in workers:  # each has just seen that no budget exists
        assert worker.calls(1)["ok"] == 1
    limit = 7.5 * CALL_USD  # the two calls made, and room for five more
    set_budgets(pg_engine, _global(limit))
    for worker in workers:
        worker.send({"calls": 8})
    answers = [worker.answer() for worker in workers]
    assert all(a["errors"] == [] and a["ok"] + a["refused"] == 8 for a in answers), answers
    made = sum(a["ok"] for a in answers)
    spent, ok = _spent_and_ok(pg_engine)
    assert spent <= limit + 1e-12, answers
    assert ok == 2 + made
    # Before the one-statement read of spent and reserved, a settlement committing between
    # the two reads was counted zero times and a sixth call got through now and then.
    assert 1 <= made <= 5, answers
    with pg_engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(budget_reservations)).scalar_one() == 0
