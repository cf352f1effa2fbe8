"""Run claims and fenced writes on a real PostgreSQL server (and the same code on SQLite).

Two servers recovering or resuming one run at once claim it once; a server whose run was
claimed by another writes nothing more to it.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from forge_orchestrator.commands import run_store as command_store
from forge_orchestrator.db import owners
from forge_orchestrator.db.engine import make_engine, write_tx
from forge_orchestrator.db.migrate import upgrade
from forge_orchestrator.db.service import Database
from forge_orchestrator.db.tables import command_runs, flow_node_runs, flow_runs
from forge_orchestrator.db.utils import utcnow
from forge_orchestrator.errors import Conflict
from forge_orchestrator.flows import run_store
from forge_orchestrator.flows.graph import compile_flow
from forge_orchestrator.flows.records import RunRecord
from forge_orchestrator.flows.writer import RunWriter
from tests.flows.helpers import flow, in_tx, shell


@pytest.fixture(params=["postgresql", "sqlite"])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    if request.param == "postgresql":
        yield request.getfixturevalue("pg_engine")
        return
    lite = make_engine(f"sqlite:///{tmp_path / 'forge.db'}")
    upgrade(lite)
    yield lite
    lite.dispose()


def _owner(engine: Engine, *, dead: bool) -> str:
    """A forge_processes row on another machine, its lease run out or not."""
    owner = owners.new_owner("forge-elsewhere", 60)
    owner = replace(owner, machine="another-boot/pid:[1]")
    if dead:
        owner = replace(owner, lease_expires_at=utcnow() - timedelta(seconds=1))
    in_tx(engine, lambda c: owners.register(c, owner))
    return owner.id


def _flow_run(engine: Engine, owner_id: str) -> RunRecord:
    graph = compile_flow(flow([shell("s", "true")], []))
    run = in_tx(
        engine,
        lambda c: run_store.create_run(
            c,
            graph=graph,
            flow_id=None,
            flow_name="f",
            flow_version=0,
            inputs={},
            auto_approve=True,
            owner_id=owner_id,
        ),
    )
    run.status = "running"
    run.nodes["s"].status = "running"
    in_tx(engine, lambda c: c.execute(flow_runs.update().values(status="running")))
    in_tx(engine, lambda c: c.execute(flow_node_runs.update().values(status="running")))
    return run


def test_the_old_owners_writes_after_another_server_claimed_its_runs_change_nothing(
    engine: Engine,
) -> None:
    """A's lease ran out (a long pause, say) and B recovered its runs; then A wakes up and
    writes. Before: RunWriter and the command run's final write updated by id alone."""
    a = _owner(engine, dead=True)
    run = _flow_run(engine, a)
    cmd = in_tx(
        engine,
        lambda c: command_store.insert_run(
            c, card_id=None, command="true", shell="bash", cwd=None, risk_level="safe", owner_id=a
        ),
    )
    # B's recovery claims both runs.
    assert in_tx(engine, lambda c: run_store.interrupt_orphans(c, [a])) == [run.id]
    assert [r[0] for r in in_tx(engine, lambda c: command_store.mark_interrupted(c, [a]))] == [
        cmd.id
    ]
    db = Database(engine)
    stopped: list[str] = []

    async def old_owner_writes() -> None:
        writer = RunWriter(db, run, run_store.FIRST_EPOCH, on_fenced=lambda: stopped.append("x"))
        run.status, run.nodes["s"].status, run.nodes["s"].output = "succeeded", "succeeded", "hi"
        writer.node("s")
        writer.run()
        await writer.flush()
        assert writer.fenced
        with pytest.raises(Exception, match="claimed by another server"):
            await writer.durable()  # a step waiting to start its process must not start it
        values = command_store.fail_values("late", 5)
        assert await db.write(lambda c: command_store.write_final(c, cmd.id, values)) is None
        assert await db.write(lambda c: command_store.set_pid(c, cmd.id, 4242)) is False

    try:
        asyncio.run(old_owner_writes())
    finally:
        db.close()
    assert stopped == ["x"]  # the engine was told to stop its local copy
    with engine.connect() as c:
        flow_row = c.execute(select(flow_runs).where(flow_runs.c.id == run.id)).mappings().one()
        node = c.execute(select(flow_node_runs)).mappings().one()
        cmd_row = c.execute(select(command_runs)).mappings().one()
    assert (flow_row["status"], flow_row["epoch"]) == ("interrupted", 2)
    assert (node["status"], node["output"]) == ("interrupted", None)
    assert (cmd_row["status"], cmd_row["output"], cmd_row["pid"]) == ("interrupted", "", None)


def test_runs_of_a_live_owner_are_never_recovered(engine: Engine) -> None:
    live, dead = _owner(engine, dead=False), _owner(engine, dead=True)
    kept, lost = _flow_run(engine, live), _flow_run(engine, dead)
    dead_ids = [
        o.id for o in in_tx(engine, lambda c: owners.dead_owners(c, owners.new_owner("x", 1)))
    ]
    assert dead_ids == [dead]
    assert in_tx(engine, lambda c: run_store.interrupt_orphans(c, dead_ids)) == [lost.id]
    with engine.connect() as c:
        kept_row = c.execute(select(flow_runs).where(flow_runs.c.id == kept.id)).mappings().one()
    assert (kept_row["status"], kept_row["epoch"]) == ("running", 1)


def test_two_servers_recovering_at_once_claim_each_run_once(pg_engine: Engine) -> None:
    """B claims inside its transaction and has not committed when C looks: C skips the rows
    B holds instead of claiming (and reporting, and killing) them a second time."""
    dead = _owner(pg_engine, dead=True)
    runs = [_flow_run(pg_engine, dead).id for _ in range(3)]
    seen: dict[str, list[int]] = {}
    c_done = threading.Event()

    def c_recovers() -> None:
        seen["c"] = in_tx(pg_engine, lambda c: run_store.interrupt_orphans(c, [dead]))
        c_done.set()

    with write_tx(pg_engine) as conn:
        seen["b"] = run_store.interrupt_orphans(conn, [dead])
        other = threading.Thread(target=c_recovers)
        other.start()
        # C must not wait for B's commit (SKIP LOCKED); before, it read the rows as running.
        assert c_done.wait(30), "C blocked on B's claim"
    other.join(30)
    assert sorted(seen["b"]) == runs and seen["c"] == []
    assert in_tx(pg_engine, lambda c: run_store.interrupt_orphans(c, [dead])) == []
    with pg_engine.connect() as c:
        epochs = [r[0] for r in c.execute(select(flow_runs.c.epoch))]
    assert epochs == [2, 2, 2]


def test_two_resumes_of_one_run_at_once_one_wins(pg_engine: Engine) -> None:
    """B's resume claims the run and has not committed; C's claim waits on the row lock, then
    finds the epoch moved on: 409, and the step runs on B alone."""
    dead = _owner(pg_engine, dead=True)
    run_id = _flow_run(pg_engine, dead).id
    in_tx(pg_engine, lambda c: run_store.interrupt_orphans(c, [dead]))
    read_b = in_tx(
        pg_engine, lambda c: (run_store.load_run(c, run_id), run_store.epoch_of(c, run_id))
    )
    read_c = in_tx(
        pg_engine, lambda c: (run_store.load_run(c, run_id), run_store.epoch_of(c, run_id))
    )
    outcome: dict[str, object] = {}

    def c_resumes() -> None:
        try:
            outcome["c"] = in_tx(pg_engine, lambda c: run_store.claim_run(c, *read_c, "c"))
        except Conflict as exc:
            outcome["c"] = exc

    with write_tx(pg_engine) as conn:
        outcome["b"] = run_store.claim_run(conn, *read_b, "b")
        other = threading.Thread(target=c_resumes)
        other.start()
        other.join(0.5)  # C is now waiting on B's row lock (or about to)
    other.join(30)
    assert outcome["b"] == 3
    assert isinstance(outcome["c"], Conflict), outcome
    with pg_engine.connect() as c:
        row = c.execute(select(flow_runs).where(flow_runs.c.id == run_id)).mappings().one()
    assert (row["owner_id"], row["epoch"]) == ("b", 3)
