"""The store functions other domains call (the optimizer saves flows through them)."""

from __future__ import annotations

from pathlib import Path

import pytest

from forge_orchestrator.db.engine import make_engine
from forge_orchestrator.db.migrate import upgrade
from forge_orchestrator.errors import Conflict, ValidationFailed
from forge_orchestrator.flows import store
from forge_orchestrator.flows.models import FlowCreate

from .helpers import flow, in_tx, shell


def test_save_flow_contract(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'f.db'}")
    upgrade(engine)
    created = in_tx(
        engine,
        lambda c: store.create_flow(c, FlowCreate(name="n", data=flow([shell("a", "echo 1")], []))),
    )
    saved = in_tx(
        engine,
        lambda c: store.save_flow(
            c,
            created.id,
            data=flow([shell("a", "echo 2")], []),
            expected_version=1,
            note="optimizer: cheaper model",
        ),
    )
    assert saved.version == 2
    assert (
        in_tx(engine, lambda c: store.get_flow(c, created.id)).data["nodes"][0]["data"]["command"]
        == "echo 2"
    )
    with pytest.raises(Conflict):
        in_tx(
            engine,
            lambda c: store.save_flow(c, created.id, data=None, expected_version=1, note=None),
        )
    with pytest.raises(ValidationFailed) as err:
        in_tx(
            engine,
            lambda c: store.save_flow(
                c,
                created.id,
                data={"nodes": [{"id": "a", "type": "shell"}]},
                expected_version=None,
                note=None,
            ),
        )
    assert err.value.details[0]["node_id"] == "a"
    versions = in_tx(engine, lambda c: store.list_versions(c, created.id))
    assert [(v.version, v.note) for v in versions] == [
        (2, "optimizer: cheaper model"),
        (1, "Created"),
    ]
    restored = in_tx(engine, lambda c: store.restore_version(c, created.id, 1))
    assert restored.version == 3
    assert restored.data["nodes"][0]["data"]["command"] == "echo 1"
    engine.dispose()


def test_a_save_that_raced_past_its_read_is_a_conflict_not_a_500(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two saves of version 1 on PostgreSQL both read version 1 before either commits; the
    second must get 409, not the unique constraint on (flow_id, version). SQLite's write lock
    hides that interleaving, so the second save here is handed the stale read directly."""
    engine = make_engine(f"sqlite:///{tmp_path / 'f.db'}")
    upgrade(engine)
    created = in_tx(
        engine,
        lambda c: store.create_flow(c, FlowCreate(name="n", data=flow([shell("a", "echo 1")], []))),
    )
    with engine.connect() as conn:
        stale = store._row(conn, created.id)
    in_tx(
        engine,
        lambda c: store.save_flow(c, created.id, data=None, expected_version=1, note="first"),
    )
    real_row = store._row
    calls = iter([stale])
    monkeypatch.setattr(
        store, "_row", lambda conn, flow_id, **kw: next(calls, None) or real_row(conn, flow_id)
    )
    with pytest.raises(Conflict) as err:
        in_tx(
            engine,
            lambda c: store.save_flow(c, created.id, data=None, expected_version=1, note="second"),
        )
    assert err.value.details == {"current_version": 2}
    monkeypatch.setattr(store, "_row", real_row)
    versions = in_tx(engine, lambda c: store.list_versions(c, created.id))
    assert [v.version for v in versions] == [2, 1] and versions[0].note == "first"
