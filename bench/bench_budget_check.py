"""What the budget check costs a call now that "no budget exists" is not remembered.

Every gateway call writes its PENDING ledger row in one job of the database writer; the budget
guard's ``applies`` now runs in that job on every call (a constant "any budget?" query first).
Times the job without the check (the baseline, what a call paid while "no budget" was
remembered) and with it, alternating, with no budgets: on a migrated SQLite file, or on the
database the URL names (migrated here).
Run: .venv/bin/python bench/bench_budget_check.py [jobs] [database url]
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import Connection  # noqa: E402

from forge_orchestrator.budgets.guard import BudgetGuard  # noqa: E402
from forge_orchestrator.db.engine import make_engine, write_tx  # noqa: E402
from forge_orchestrator.db.migrate import upgrade  # noqa: E402
from forge_orchestrator.ledger.recorder import LedgerEntry, insert_pending  # noqa: E402


def main(jobs: int, url: str | None) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(url or f"sqlite:///{Path(tmp) / 'bench.db'}")
        upgrade(engine)
        guard = BudgetGuard(engine)
        entry = LedgerEntry("openai", "gpt-6.2-sol", "h" * 64, user_name="u", machine="m")

        def plain(conn: Connection) -> None:
            insert_pending(conn, entry)

        def checked(conn: Connection) -> None:
            if guard.applies(conn, provider="openai", flow_id=None):
                raise AssertionError("no budget was set")
            insert_pending(conn, entry)

        times: dict[str, list[float]] = {"plain": [], "checked": []}
        runs: list[tuple[str, Callable[[Connection], None]]] = [
            ("plain", plain),
            ("checked", checked),
        ]
        for i in range(jobs * 2 + 200):
            name, job = runs[i % 2]
            t0 = time.perf_counter()
            with write_tx(engine) as conn:
                job(conn)
            if i >= 200:  # warm-up
                times[name].append((time.perf_counter() - t0) * 1e6)
        engine.dispose()
    base = statistics.median(times["plain"])
    now = statistics.median(times["checked"])
    print(f"{engine.dialect.name}, {jobs} jobs each, no budgets")
    print(f"  PENDING-row job alone (baseline):   p50 {base:8.1f} µs")
    print(f"  with the budget check on each call: p50 {now:8.1f} µs  (+{now - base:.1f} µs)")


if __name__ == "__main__":
    args = sys.argv[1:]
    main(int(args[0]) if args else 2000, args[1] if len(args) > 1 else None)
