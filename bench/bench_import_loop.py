"""Event-loop stall during a card import, seen from the loop: longest gap between 5 ms ticks.

Baseline in the same run: the import route as it was before (the bundle declared as the route's
body model, so FastAPI parses and validates it, and serializes the reply, on the loop), mounted
beside the real one on the same app. Both import the same N cards into the same SQLite file.
Usage: bench_import_loop.py [cards] (default 3000).
"""

from __future__ import annotations

import asyncio
import json
import sys
import tempfile
import time
from pathlib import Path

from fastapi import Request
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from forge_orchestrator.app import create_app  # noqa: E402
from forge_orchestrator.commands import importing  # noqa: E402
from forge_orchestrator.commands.models import ExportBundle, ImportResult  # noqa: E402
from forge_orchestrator.db.engine import write_tx  # noqa: E402
from tests.conftest import BASE_URL, TOKEN, make_settings  # noqa: E402


def _import_in_tx(engine: Engine, body: ExportBundle) -> ImportResult:
    rows = importing.import_rows(body)
    with write_tx(engine) as conn:
        return importing.import_cards(conn, rows)


async def old_import(request: Request, body: ExportBundle) -> ImportResult:
    return await run_in_threadpool(_import_in_tx, request.app.state.engine, body)


def bundle(n: int) -> bytes:
    items = [
        {"name": f"card {i}", "command": f"grep -rn 'TODO {i}' src | sort | uniq -c", "tags": ["x"]}
        for i in range(n)
    ]
    return json.dumps({"format": "forge-command-cards", "version": 1, "cards": items}).encode()


class Ticker:
    def __init__(self) -> None:
        self.gaps: list[float] = []
        self.running = True

    async def run(self) -> None:
        last = time.perf_counter()
        while self.running:
            await asyncio.sleep(0.005)
            now = time.perf_counter()
            self.gaps.append(now - last)
            last = now


def measure(client: TestClient, url: str | None, body: bytes) -> tuple[float, float, int]:
    """(longest tick gap, request time, HTTP status) for one import; no url: one idle second."""
    ticker = Ticker()
    client.portal.start_task_soon(ticker.run)  # type: ignore[union-attr]
    time.sleep(0.2)
    started = time.perf_counter()
    status = 0
    if url is None:
        time.sleep(1.0)
    else:
        headers = {"content-type": "application/json"}
        status = client.post(url, content=body, headers=headers).status_code
    took = time.perf_counter() - started
    time.sleep(0.2)
    ticker.running = False
    time.sleep(0.05)
    return max(ticker.gaps), took, status


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 3000
    body = bundle(n)
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(make_settings(Path(tmp) / "data"))
        route = APIRoute("/api/bench/old-import", old_import, methods=["POST"], status_code=201)
        app.router.routes.insert(0, route)
        headers = {"Authorization": f"Bearer {TOKEN}"}
        with TestClient(app, base_url=BASE_URL, headers=headers) as client:
            idle, _, _ = measure(client, None, b"")
            rows = []
            for label, url in (
                ("before (old route)", "/api/bench/old-import"),
                ("now", "/api/commands/import"),
                ("before (old route)", "/api/bench/old-import"),
                ("now", "/api/commands/import"),
            ):
                rows.append((label, *measure(client, url, body)))
    print(f"import of {n} cards ({len(body) / 1e6:.2f} MB); loop stall = longest 5 ms tick gap")
    print(f"  {'idle (baseline)':<24} stall {idle * 1000:8.1f} ms")
    for label, gap, took, status in rows:
        print(f"  {label:<24} stall {gap * 1000:8.1f} ms  (HTTP {status}, {took:.2f} s)")


if __name__ == "__main__":
    main()
