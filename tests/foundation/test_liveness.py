"""Health's database check: one check serves every concurrent caller, and a failure shows."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path
from typing import Any

import pytest

from forge_orchestrator.db import liveness
from forge_orchestrator.db.engine import make_engine


def test_concurrent_callers_share_one_check(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'forge.db'}")
    calls = 0
    release = threading.Event()

    def slow_ping(_: Any) -> None:
        nonlocal calls
        calls += 1
        release.wait(5)

    monkeypatch.setattr(liveness, "ping", slow_ping)

    async def main() -> list[str | None]:
        live = liveness.Liveness(engine)
        waiting = [asyncio.ensure_future(live.problem()) for _ in range(32)]
        await asyncio.sleep(0.05)
        release.set()
        return list(await asyncio.gather(*waiting))

    assert asyncio.run(main()) == [None] * 32
    assert calls == 1


def test_a_broken_database_is_reported_then_recovery_is_seen(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'forge.db'}")
    now = [100.0]
    broken = [True]

    def ping(_: Any) -> None:
        if broken[0]:
            raise OSError("disk gone")

    monkeypatch.setattr(liveness, "ping", ping)

    async def main() -> list[str | None]:
        live = liveness.Liveness(engine, clock=lambda: now[0])
        first = await live.problem()
        broken[0] = False
        cached = await live.problem()  # within FRESH_S: the last answer stands
        now[0] += liveness.FRESH_S
        return [first, cached, await live.problem()]

    assert asyncio.run(main()) == ["error: OSError", "error: OSError", None]
