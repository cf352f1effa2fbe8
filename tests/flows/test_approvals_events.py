"""Human gates, resuming a failed run, and the live event stream."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import assert_error_shape

from .helpers import by_id, create, edge, flow, node, read_events, shell, start, wait_node, wait_run

GATED = flow(
    [
        shell("build", "echo v1.2"),
        node("gate", "approval", message="Deploy {{ nodes.build.output }}?"),
        shell("deploy", "echo deployed"),
    ],
    [edge("build", "gate"), edge("gate", "deploy")],
)


def test_approval_waits_then_approve_continues(client: TestClient) -> None:
    run = start(client, create(client, GATED)["id"])
    waiting = wait_run(client, run["id"], {"awaiting_approval"})
    nodes = by_id(waiting)
    assert nodes["gate"]["status"] == "awaiting_approval"
    assert nodes["gate"]["input"] == "Deploy v1.2?"
    assert nodes["deploy"]["status"] == "pending"
    wrong = client.post(f"/api/flows/runs/{run['id']}/nodes/deploy/approve")
    assert wrong.status_code == 409
    assert_error_shape(wrong.json(), "conflict")
    r = client.post(f"/api/flows/runs/{run['id']}/nodes/gate/approve")
    assert r.status_code == 200, r.text
    assert by_id(r.json())["gate"]["status"] == "succeeded"
    done = wait_run(client, run["id"])
    assert done["status"] == "succeeded"
    assert by_id(done)["deploy"]["output"] == "deployed\n"


def test_reject_fails_the_gate_and_skips_downstream(client: TestClient) -> None:
    run = start(client, create(client, GATED)["id"])
    wait_node(client, run["id"], "gate", "awaiting_approval")
    r = client.post(f"/api/flows/runs/{run['id']}/nodes/gate/reject")
    assert r.status_code == 200
    done = wait_run(client, run["id"])
    nodes = by_id(done)
    assert done["status"] == "failed"
    assert done["error"] == "Step gate was rejected"
    assert nodes["gate"]["status"] == "failed" and nodes["gate"]["error"] == "Rejected by user"
    # The gate's time runs from when it began waiting, like the run's.
    assert nodes["gate"]["started_at"] is not None and nodes["gate"]["duration_ms"] is not None
    assert nodes["deploy"]["status"] == "skipped"


def test_resume_a_failed_run_reruns_only_what_did_not_succeed(
    client: TestClient, tmp_path: Path
) -> None:
    log = tmp_path / "log"
    flag = tmp_path / "fixed"
    data = flow(
        [
            shell("first", f"echo first >> {log}"),
            shell("fragile", f"echo fragile >> {log}; test -f {flag}"),
            shell("last", f"echo last >> {log}"),
        ],
        [edge("first", "fragile"), edge("fragile", "last")],
    )
    run = wait_run(client, start(client, create(client, data)["id"])["id"])
    assert run["status"] == "failed"
    flag.touch()
    r = client.post(f"/api/flows/runs/{run['id']}/resume", json={})
    assert r.status_code == 200, r.text
    done = wait_run(client, run["id"])
    assert done["status"] == "succeeded"
    assert log.read_text().splitlines() == ["first", "fragile", "fragile", "last"]
    again = client.post(f"/api/flows/runs/{run['id']}/resume", json={})
    assert again.status_code == 409


def test_event_stream_starts_with_a_snapshot_then_live_changes(client: TestClient) -> None:
    data = flow(
        [node("gate", "approval"), shell("talk", "echo hello; echo oops >&2")],
        [edge("gate", "talk")],
    )
    run = start(client, create(client, data)["id"])
    wait_node(client, run["id"], "gate", "awaiting_approval")
    events: list[tuple[str, Any]] = []
    reader = threading.Thread(target=read_events, args=(client, run["id"], events))
    reader.start()
    while not events:
        threading.Event().wait(0.02)
    client.post(f"/api/flows/runs/{run['id']}/nodes/gate/approve")
    reader.join(timeout=30)
    names = [n for n, _ in events]
    assert names[0] == "snapshot" and names[-1] == "end"
    assert (
        events[0][1]["id"] == run["id"]
        and by_id(events[0][1])["gate"]["status"] == "awaiting_approval"
    )
    talk_states = [p["status"] for n, p in events if n == "node" and p["node_id"] == "talk"]
    assert "running" in talk_states and talk_states[-1] == "succeeded"
    chunks = [(p["stream"], p["data"]) for n, p in events if n == "output"]
    assert ("stdout", "hello\n") in chunks and ("stderr", "oops\n") in chunks
    assert events[-1][1] == {"status": "succeeded"}
    # A late subscriber to a finished run gets the snapshot and the end at once.
    late: list[tuple[str, Any]] = []
    read_events(client, run["id"], late)
    assert [n for n, _ in late] == ["snapshot", "end"]
    assert late[0][1]["status"] == "succeeded"


def test_a_run_resumes_the_moment_it_reads_failed(
    client: TestClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Resume right after the run reads `failed` used to race its last writes: 409 "already
    running" (11 of 20 tries on SQLite, 20 of 20 on PostgreSQL). The last writes are made
    slow here (a busy database), so the window is always open."""
    from forge_orchestrator.flows.writer import RunWriter

    flush = RunWriter.flush

    async def slow_flush(self: RunWriter) -> None:
        await asyncio.sleep(0.3)
        await flush(self)

    monkeypatch.setattr(RunWriter, "flush", slow_flush)
    flag = tmp_path / "fixed"
    data = flow(
        [shell(f"s{i}", "true") for i in range(6)] + [shell("fragile", f"test -f {flag}")],
        [edge(f"s{i}", "fragile") for i in range(6)],
    )
    flow_id = create(client, data)["id"]
    refused = []
    for _ in range(3):
        flag.unlink(missing_ok=True)
        run = wait_run(client, start(client, flow_id)["id"], deadline_s=60)
        assert run["status"] == "failed"
        flag.touch()
        r = client.post(f"/api/flows/runs/{run['id']}/resume", json={})
        if r.status_code != 200:
            refused.append(r.text)
        else:
            assert wait_run(client, run["id"], deadline_s=60)["status"] == "succeeded"
    assert refused == []
