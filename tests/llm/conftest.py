"""A gateway on a real migrated SQLite file, pointed at the fake provider through env vars."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select

from forge_orchestrator.db.engine import make_engine
from forge_orchestrator.db.migrate import upgrade
from forge_orchestrator.db.tables import token_ledger
from forge_orchestrator.llm.component import build_gateway
from forge_orchestrator.llm.gateway import Gateway
from tests.conftest import make_settings
from tests.fakes.llm_server import FakeLLMServer


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    eng = make_engine(f"sqlite:///{tmp_path / 'gw.db'}")
    upgrade(eng)
    yield eng
    eng.dispose()


class Waits:
    """Replaces asyncio.sleep in the retry policy: records waits instead of sleeping."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


@pytest.fixture
def waits() -> Waits:
    return Waits()


@pytest.fixture
async def gateway(
    engine: Engine, tmp_path: Path, fake_llm_env: FakeLLMServer, waits: Waits
) -> AsyncIterator[Gateway]:
    gw = build_gateway(engine, make_settings(tmp_path / "data"))
    gw.retry.sleep = waits
    yield gw
    await gw.aclose()


def ledger_rows(engine: Engine) -> list[dict[str, Any]]:
    with engine.connect() as conn:
        return [
            dict(r._mapping) for r in conn.execute(select(token_ledger).order_by(token_ledger.c.id))
        ]
