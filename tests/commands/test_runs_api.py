"""Runs over HTTP: start at once, final status, history, cancel, SSE replay, guard-rails."""

from __future__ import annotations

import json
import time
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import psutil
from fastapi.testclient import TestClient

from forge_orchestrator.app import create_app
from forge_orchestrator.commands import run_store
from forge_orchestrator.db import owners
from forge_orchestrator.db.engine import make_engine, write_tx
from forge_orchestrator.db.migrate import upgrade
from forge_orchestrator.db.utils import utcnow
from forge_orchestrator.settings import Settings
from tests.conftest import BASE_URL, TOKEN, assert_error_shape

FINAL = {"succeeded", "failed", "timed_out", "cancelled", "interrupted"}


def start(client: TestClient, **body: Any) -> dict[str, Any]:
    response = client.post("/api/commands/run", json=body)
    assert response.status_code == 201, response.text
    run: dict[str, Any] = response.json()["run"]
    return run


def final(client: TestClient, run_id: int) -> dict[str, Any]:
    """Poll until the run has finished (bounded, so a hang fails instead of blocking)."""
    for _ in range(600):
        run: dict[str, Any] = client.get(f"/api/commands/runs/{run_id}").json()
        if run["status"] in FINAL:
            return run
        time.sleep(0.05)
    raise AssertionError(f"run {run_id} did not finish")


def sse(client: TestClient, run_id: int) -> list[tuple[str, dict[str, Any]]]:
    events: list[tuple[str, dict[str, Any]]] = []
    name = ""
    with client.stream("GET", f"/api/commands/runs/{run_id}/events") as stream:
        for line in stream.iter_lines():
            if line.startswith("event:"):
                name = line.split(":", 1)[1].strip()
            elif line.startswith("data:"):
                events.append((name, json.loads(line.split(":", 1)[1])))
    return events


def test_ad_hoc_run_starts_at_once_and_finishes(client: TestClient, tmp_path: Path) -> None:
    run = start(
        client, command='echo "$WHO in $(pwd)"; exit 3', cwd=str(tmp_path), env={"WHO": "me"}
    )
    assert run["status"] == "running" and run["exit_code"] is None
    done = final(client, run["id"])
    assert done["status"] == "failed" and done["exit_code"] == 3
    assert done["output"] == f"me in {tmp_path.resolve()}\n"
    assert done["duration_ms"] is not None and done["finished_at"]
    assert done["truncated"] is False


def test_card_run_renders_variables_and_updates_history(client: TestClient) -> None:
    card = client.post(
        "/api/commands",
        json={"name": "greet", "command": "echo hello {{who}}", "variables": [{"name": "who"}]},
    ).json()
    first = final(client, start(client, card_id=card["id"], variables={"who": "a b"})["id"])
    # What runs is the reference; the value is bound in that run's environment only.
    assert first["command"] == 'echo hello "${FORGE_VAR_who}"'
    assert first["output"] == "hello a b\n"
    second = final(client, start(client, card_id=card["id"], variables={"who": "c"})["id"])
    history = client.get("/api/commands/runs", params={"card_id": card["id"]}).json()
    assert [r["id"] for r in history] == [second["id"], first["id"]]
    assert "output" not in history[0]
    last = client.get(f"/api/commands/{card['id']}").json()["last_run"]
    assert last["id"] == second["id"] and last["status"] == "succeeded"


def test_missing_required_variable_and_bad_cwd_are_422(client: TestClient) -> None:
    card = client.post("/api/commands", json={"name": "x", "command": "echo {{a}}"}).json()
    missing = client.post("/api/commands/run", json={"card_id": card["id"]})
    assert missing.status_code == 422
    assert_error_shape(missing.json(), "validation_failed")
    assert missing.json()["error"]["details"] == {"missing": ["a"]}
    bad_cwd = client.post("/api/commands/run", json={"command": "true", "cwd": "/no/such/dir"})
    assert bad_cwd.status_code == 422
    assert_error_shape(bad_cwd.json(), "validation_failed")
    assert client.get("/api/commands/runs").json() == []


def test_a_cwd_the_os_cannot_look_up_is_422_not_500(client: TestClient) -> None:
    # Found by schemathesis: a name longer than NAME_MAX made Path.is_dir raise ENAMETOOLONG.
    for cwd in ("0" * 300, "/tmp/" + "0" * 300 + "/x", "bad\x00dir"):
        for route in ("/api/commands/preview", "/api/commands/run"):
            answer = client.post(route, json={"command": "true", "cwd": cwd})
            assert answer.status_code == 422, (route, cwd[:20], answer.text[:200])
            # NUL is refused at the edge for every field (text_has_nul); the others here.
            assert_error_shape(
                answer.json(), "text_has_nul" if "\x00" in cwd else "validation_failed"
            )
    assert client.get("/api/commands/runs").json() == []


def test_dangerous_needs_confirmation(client: TestClient, tmp_path: Path) -> None:
    refused = client.post("/api/commands/run", json={"command": "git push --force"})
    assert refused.status_code == 409
    body = refused.json()
    assert_error_shape(body, "confirmation_required")
    assert body["error"]["details"]["level"] == "dangerous"
    assert any("force" in r for r in body["error"]["details"]["reasons"])
    run = start(client, command="git push --force", cwd=str(tmp_path), confirm=True)
    done = final(client, run["id"])
    assert done["status"] == "failed" and done["risk_level"] == "dangerous"


def test_cancel_kills_the_run(client: TestClient) -> None:
    run = start(client, command="echo $$; sleep 300")
    for _ in range(200):
        current = client.get(f"/api/commands/runs/{run['id']}").json()
        if current["output"]:
            break
        time.sleep(0.05)
    shell_pid = int(current["output"].split()[0])
    cancelled = client.post(f"/api/commands/runs/{run['id']}/cancel")
    assert cancelled.status_code == 200
    assert cancelled.json()["status"] == "cancelled"
    assert not psutil.pid_exists(shell_pid) or (
        psutil.Process(shell_pid).status() == psutil.STATUS_ZOMBIE
    )
    again = client.post(f"/api/commands/runs/{run['id']}/cancel")
    assert again.status_code == 409
    assert_error_shape(again.json(), "conflict")


def test_timeout_is_applied(client: TestClient) -> None:
    run = start(client, command="sleep 300", timeout_s=0.5)
    assert final(client, run["id"])["status"] == "timed_out"


def test_sse_replays_from_the_start_then_follows(client: TestClient) -> None:
    run = start(client, command="echo first; sleep 0.5; echo second >&2; sleep 0.5; echo third")
    time.sleep(0.2)  # subscribe late: "first" was produced before anyone listened
    events = sse(client, run["id"])
    chunks = [(d["stream"], d["data"]) for e, d in events if e == "chunk"]
    assert chunks == [("stdout", "first\n"), ("stderr", "second\n"), ("stdout", "third\n")]
    assert events[-1][0] == "status" and events[-1][1]["run"]["status"] == "succeeded"
    # A subscriber after the end gets the same replay from the stored chunks.
    again = sse(client, run["id"])
    assert [(d["stream"], d["data"]) for e, d in again if e == "chunk"] == chunks


def test_run_errors(client: TestClient) -> None:
    cases = [
        client.post("/api/commands/run", json={}),
        client.post("/api/commands/run", json={"card_id": 1, "command": "true"}),
        client.post("/api/commands/run", json={"card_id": 12345}),
        client.post("/api/commands/run", json={"command": "true", "timeout_s": -1}),
        client.post("/api/commands/run", json={"command": "true", "env": {"A=B": "x"}}),
        client.get("/api/commands/runs/999"),
        client.get("/api/commands/runs/999/events"),
        client.post("/api/commands/runs/999/cancel"),
    ]
    assert [r.status_code for r in cases] == [422, 422, 404, 422, 422, 404, 404, 404]
    for response in cases:
        assert_error_shape(response.json())


def _dead_owner(conn: Any, machine: str) -> str:
    """A forge_processes row whose lease ran out a minute ago (a server that crashed)."""
    dead = owners.new_owner("forge-some-other-dir", 1.0)
    dead = replace(dead, machine=machine, lease_expires_at=utcnow() - timedelta(minutes=1))
    owners.register(conn, dead)
    return dead.id


def _orphaned_run(tmp_path: Path, machine: str) -> tuple[Settings, psutil.Popen, int]:
    """A `running` row of a dead owner on `machine`, its process group still alive."""
    settings = Settings(
        data_dir=tmp_path / "data", token=TOKEN, keyring="encrypted", open_browser=False
    )  # type: ignore[arg-type]
    settings.data_dir.mkdir(parents=True)
    engine = make_engine(settings.resolved_database_url)
    upgrade(engine)
    orphan = psutil.Popen(["sleep", "300"], start_new_session=True)
    # A loaded machine between spawn and record (CI once took >10 ms here): psutil's
    # create_time reads up to 1 s early on Linux, and this must not hide the leftover.
    time.sleep(0.2)
    with write_tx(engine) as conn:
        row = run_store.insert_run(
            conn,
            card_id=None,
            command="sleep 300",
            shell="bash",
            cwd=None,
            risk_level="safe",
            pid=orphan.pid,
            owner_id=_dead_owner(conn, machine),
        )
    engine.dispose()
    return settings, orphan, row.id


def test_running_rows_become_interrupted_after_a_restart(tmp_path: Path) -> None:
    settings, orphan, run_id = _orphaned_run(tmp_path, owners.machine_key())
    headers = {"Authorization": f"Bearer {TOKEN}"}
    with TestClient(create_app(settings), base_url=BASE_URL, headers=headers) as client:
        run = client.get(f"/api/commands/runs/{run_id}").json()
    assert run["status"] == "interrupted" and run["finished_at"]
    # The dead server ran on this machine: its leftover process group is ended too.
    assert orphan.wait(timeout=10) == -9


def test_a_dead_owner_elsewhere_is_recovered_but_its_pid_is_not_signalled(tmp_path: Path) -> None:
    # Another host (or pid namespace): the recorded pid is some unrelated process here.
    settings, orphan, run_id = _orphaned_run(tmp_path, "another-boot/pid:[4026531836]")
    headers = {"Authorization": f"Bearer {TOKEN}"}
    try:
        with TestClient(create_app(settings), base_url=BASE_URL, headers=headers) as client:
            run = client.get(f"/api/commands/runs/{run_id}").json()
        assert run["status"] == "interrupted" and run["finished_at"]
        assert orphan.is_running() and orphan.status() != psutil.STATUS_ZOMBIE
    finally:
        orphan.kill()
        orphan.wait(timeout=10)
