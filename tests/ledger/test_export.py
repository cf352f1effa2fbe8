"""CSV and JSONL exports stream every selected row and parse back to the same rows."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from forge_orchestrator.cli import main
from forge_orchestrator.db.tables import token_ledger
from forge_orchestrator.db.utils import iso
from forge_orchestrator.ledger.export import COLUMNS, stream_export
from forge_orchestrator.ledger.queries import LedgerFilters

from .conftest import NOW, add


def seed(engine: Engine, n: int = 25) -> None:
    for i in range(n):
        add(
            engine,
            timestamp=NOW - timedelta(minutes=n - i),
            model_used="gpt-6-luna" if i % 2 else "gpt-6.2-sol",
            agent_role="tester",
            flow_id=str(i % 3),
            node_id=f"n{i}",
            input_tokens=i,
            output_tokens=2 * i,
            total_cost_usd=None if i == 4 else i / 1000,
            status="FAILED" if i == 5 else "SUCCESS",
            # Commas, quotes and newlines must survive the CSV round trip.
            error_message='bad "thing",\nline two' if i == 5 else None,
            streamed=i % 2 == 0,
        )


def db_rows(engine: Engine, filters: LedgerFilters | None = None) -> list[dict[str, object]]:
    from forge_orchestrator.ledger.queries import apply_filters

    stmt = apply_filters(select(token_ledger), filters or LedgerFilters())
    with engine.connect() as conn:
        rows = conn.execute(stmt.order_by(token_ledger.c.timestamp, token_ledger.c.id))
        return [{k: iso(v) if k == "timestamp" else v for k, v in r._mapping.items()} for r in rows]


def as_csv_strings(rows: list[dict[str, object]]) -> list[dict[str, str]]:
    def text(v: object) -> str:
        if v is None:
            return ""
        if isinstance(v, bool):
            return str(v)
        return str(v)

    return [{k: text(v) for k, v in r.items()} for r in rows]


def test_jsonl_round_trips_in_small_batches(engine: Engine) -> None:
    seed(engine)
    text = "".join(stream_export(engine, LedgerFilters(), "jsonl", batch_rows=4))
    parsed = [json.loads(line) for line in text.splitlines()]
    assert parsed == db_rows(engine)
    assert len(parsed) == 25 and list(parsed[0]) == list(COLUMNS)


def test_csv_round_trips_with_filters(engine: Engine) -> None:
    seed(engine)
    filters = LedgerFilters(model="gpt-6.2-sol")
    text = "".join(stream_export(engine, filters, "csv", batch_rows=3))
    parsed = list(csv.DictReader(io.StringIO(text)))
    assert parsed == as_csv_strings(db_rows(engine, filters))
    assert len(parsed) == 13
    failed = list(
        csv.DictReader(
            io.StringIO("".join(stream_export(engine, LedgerFilters(status="FAILED"), "csv")))
        )
    )
    assert [r["error_message"] for r in failed] == ['bad "thing",\nline two']


def test_export_api_streams_a_download(client: TestClient) -> None:
    engine = client.app.state.engine  # type: ignore[attr-defined]
    seed(engine)
    res = client.get("/api/ledger/export", params={"format": "csv", "flow_id": "1"})
    assert res.status_code == 200
    assert res.headers["content-type"].startswith("text/csv")
    assert "attachment" in res.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(res.text)))
    assert rows == as_csv_strings(db_rows(engine, LedgerFilters(flow_id="1")))
    jl = client.get("/api/ledger/export", params={"format": "jsonl"})
    assert [json.loads(x) for x in jl.text.splitlines()] == db_rows(engine)
    empty = client.get("/api/ledger/export", params={"since": "2099-01-01T00:00:00Z"})
    assert empty.text.strip() == ",".join(COLUMNS)
    assert client.get("/api/ledger/export", params={"format": "xml"}).status_code == 422


def test_cli_export_writes_a_file(tmp_path: Path, capsys: object) -> None:
    from forge_orchestrator.db.engine import make_engine
    from forge_orchestrator.db.migrate import upgrade

    data_dir = tmp_path / "data"
    data_dir.mkdir()
    eng = make_engine(f"sqlite:///{data_dir / 'forge.db'}")
    upgrade(eng)
    seed(eng, 6)
    expected = db_rows(eng)
    eng.dispose()
    out = tmp_path / "ledger.jsonl"
    code = main(
        ["ledger", "export", "--format", "jsonl", "--data-dir", str(data_dir), "-o", str(out)]
    )
    assert code == 0
    assert [json.loads(x) for x in out.read_text().splitlines()] == expected
    since = (NOW - timedelta(minutes=2)).isoformat()
    main(["ledger", "export", "--since", since, "--data-dir", str(data_dir), "-o", str(out)])
    assert len(list(csv.DictReader(out.open()))) == 2
