"""`forge-orchestrator ledger rebuild-rollups` recomputes the rollups from token_ledger."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, insert, select

from forge_orchestrator.cli import main
from forge_orchestrator.db.engine import make_engine
from forge_orchestrator.db.migrate import upgrade
from forge_orchestrator.db.tables import ledger_latency_hist, ledger_rollup, token_ledger
from forge_orchestrator.ledger.queries import LedgerFilters
from tests.ledger.conftest import summarize_on

from .conftest import NOW, add


def test_rebuild_rollups_counts_rows_written_behind_the_recorder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    eng = make_engine(f"sqlite:///{data_dir / 'forge.db'}")
    upgrade(eng)
    for i in range(5):
        add(eng, timestamp=NOW - timedelta(days=i), latency_ms=100 * i, flow_id=f"f{i % 2}")
    with eng.begin() as conn:
        # Bulk-loaded straight into the ledger (as an import would): the rollups miss it.
        row = conn.execute(select(token_ledger).limit(1)).mappings().one()
        conn.execute(insert(token_ledger).values({**row, "id": None, "status": "FAILED"}))
    stale = summarize_on(eng, LedgerFilters(), "provider", exact_max_rows=0)
    assert (stale.percentiles, stale.totals.calls, stale.totals.failures) == ("approximate", 5, 0)

    assert main(["ledger", "rebuild-rollups", "--data-dir", str(data_dir)]) == 0

    with eng.connect() as conn:
        sums = conn.execute(select(func.count()).select_from(ledger_rollup)).scalar_one()
        hist = conn.execute(select(func.count()).select_from(ledger_latency_hist)).scalar_one()
    out = capsys.readouterr().out
    assert f"{sums} rollup rows, {hist} latency histogram rows" in out
    assert sums > 0 and hist > 0
    for group_by in ("provider", "day", "flow_id"):
        rolled = summarize_on(eng, LedgerFilters(), group_by, exact_max_rows=0)
        exact = summarize_on(eng, LedgerFilters(), group_by)
        assert rolled.percentiles == "approximate"
        assert (rolled.totals.calls, rolled.totals.failures) == (6, 1)
        pick = [(g.key, g.calls, g.failures, g.input_tokens) for g in rolled.groups]
        assert pick == [(g.key, g.calls, g.failures, g.input_tokens) for g in exact.groups]
    eng.dispose()


def test_rebuild_rollups_on_a_new_data_dir_reports_zero(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["ledger", "rebuild-rollups", "--data-dir", str(tmp_path / "fresh")]) == 0
    assert "0 rollup rows, 0 latency histogram rows" in capsys.readouterr().out
