"""Faults: kill -9 mid-burst and mid-flow, then restart; provider faults give one ledger row each."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from tests.e2e.harness import ServerProcess
from tests.fakes.fixtures import FAKE_OPENAI_KEY
from tests.fakes.llm_server import FakeLLMServer, Reply

from .load import ARCHITECT_ANSWER


def integrity(db_path: Path) -> str:
    db = sqlite3.connect(db_path)
    try:
        return str(db.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        db.close()


def ledger_ids(db_path: Path) -> set[int]:
    db = sqlite3.connect(db_path)
    try:
        return {int(r[0]) for r in db.execute("SELECT id FROM token_ledger")}
    finally:
        db.close()


def test_kill9_during_a_burst_of_ledger_writes_loses_no_committed_row(
    tmp_path: Path, fake_llm: FakeLLMServer
) -> None:
    fake_llm.default = Reply(text=ARCHITECT_ANSWER, delay_s=0.02)
    env = {"OPENAI_BASE_URL": fake_llm.openai_base_url, "OPENAI_API_KEY": FAKE_OPENAI_KEY}
    server = ServerProcess(data_dir=tmp_path / "data", env=env).start()
    acknowledged: list[int] = []
    lock = threading.Lock()
    stop = threading.Event()

    def writer() -> None:
        with httpx.Client(
            base_url=server.base_url, headers=server.client().headers, timeout=10
        ) as c:
            while not stop.is_set():
                try:
                    res = c.post("/api/architect/generate", json={"prompt": "list files"})
                except httpx.HTTPError:
                    return  # the server died mid-request: that call was never acknowledged
                if res.status_code == 201:
                    with lock:
                        acknowledged.append(int(res.json()["ledger_id"]))

    threads = [threading.Thread(target=writer) for _ in range(8)]
    for t in threads:
        t.start()
    deadline = time.monotonic() + 30
    while len(acknowledged) < 40 and time.monotonic() < deadline:
        time.sleep(0.01)
    server.kill9()
    stop.set()
    for t in threads:
        t.join(timeout=15)
    assert len(acknowledged) >= 40

    db = server.data_dir / "forge.db"
    # Inspect the file as the crash left it, before anything opens it again.
    assert integrity(db) == "ok"
    missing = set(acknowledged) - ledger_ids(db)
    assert not missing, f"acknowledged ledger rows lost after kill -9: {sorted(missing)[:10]}"
    restarted = ServerProcess(data_dir=server.data_dir, env=env).start()
    try:
        with restarted.client() as c:
            assert c.get("/api/ledger", params={"limit": 5}).status_code == 200
    finally:
        restarted.stop()


def test_kill9_during_a_flow_run_leaves_it_interrupted_and_resumable(tmp_path: Path) -> None:
    marks = tmp_path / "marks.txt"
    flow = {
        "name": "crashy",
        "data": {
            "nodes": [
                {
                    "id": "first",
                    "type": "shell",
                    "position": {"x": 0, "y": 0},
                    "data": {"command": f"echo first >> {marks}"},
                },
                {
                    "id": "slow",
                    "type": "shell",
                    "position": {"x": 0, "y": 100},
                    "data": {"command": f"sleep 30; echo slow >> {marks}"},
                },
            ],
            "edges": [{"id": "e1", "source": "first", "target": "slow"}],
            "settings": {"auto_approve": True},
        },
    }
    server = ServerProcess(data_dir=tmp_path / "data").start()
    with server.client() as c:
        flow_id = c.post("/api/flows", json=flow).json()["id"]
        run_id = c.post(f"/api/flows/{flow_id}/runs", json={"auto_approve": True}).json()["run"][
            "id"
        ]
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            nodes = {
                n["node_id"]: n["status"]
                for n in c.get(f"/api/flows/runs/{run_id}").json()["nodes"]
            }
            if nodes.get("slow") == "running":
                break
            time.sleep(0.05)
        assert nodes == {"first": "succeeded", "slow": "running"}
    server.kill9()
    assert integrity(server.data_dir / "forge.db") == "ok"
    restarted = ServerProcess(data_dir=server.data_dir).start()
    try:
        with restarted.client() as c:
            run = c.get(f"/api/flows/runs/{run_id}").json()
            assert run["status"] == "interrupted"
            assert marks.read_text().splitlines() == ["first"]
    finally:
        restarted.stop()


@pytest.fixture
def provider_client(fake_llm_env: FakeLLMServer, client: TestClient) -> TestClient:
    return client


def _rows(client: TestClient) -> list[dict[str, object]]:
    return list(client.get("/api/ledger", params={"limit": 200}).json()["items"])


def test_a_429_storm_gives_bounded_retries_a_clear_error_and_one_row(
    fake_llm_env: FakeLLMServer, client: TestClient
) -> None:
    fake_llm_env.default = Reply(
        status=429, error_message="Rate limit reached", headers={"Retry-After": "0"}
    )
    res = client.post("/api/architect/generate", json={"prompt": "list files"})
    assert res.status_code in (429, 502, 503)
    assert "Rate limit" in res.json()["error"]["message"]
    rows = _rows(client)
    assert len(rows) == 1 and rows[0]["status"] == "FAILED"
    assert rows[0]["attempts"] == len(fake_llm_env.completion_requests())
    assert 1 < int(rows[0]["attempts"]) <= 11  # bounded


def test_a_half_written_stream_is_one_row_with_a_clear_error(
    fake_llm_env: FakeLLMServer, client: TestClient
) -> None:
    fake_llm_env.script(Reply(text=ARCHITECT_ANSWER, cut_after_chunks=2))
    with client.stream(
        "POST", "/api/architect/generate/stream", json={"prompt": "list files"}
    ) as res:
        text = "".join(res.iter_text())
    assert "event: result" not in text
    assert "event: error" in text or res.status_code >= 400
    rows = _rows(client)
    assert len(rows) == 1 and rows[0]["status"] in ("FAILED", "TIMEOUT")


def test_a_slow_trickle_completes_and_records_once(
    fake_llm_env: FakeLLMServer, client: TestClient
) -> None:
    fake_llm_env.script(Reply(text=ARCHITECT_ANSWER, chunk_delay_s=0.05))
    with client.stream(
        "POST", "/api/architect/generate/stream", json={"prompt": "list files"}
    ) as res:
        text = "".join(res.iter_text())
    assert "event: result" in text
    rows = _rows(client)
    assert len(rows) == 1 and rows[0]["status"] == "SUCCESS"


def test_a_connection_reset_is_retried_then_reported_once(
    fake_llm_env: FakeLLMServer, client: TestClient
) -> None:
    fake_llm_env.script(Reply(reset=True), Reply(text=ARCHITECT_ANSWER))
    res = client.post("/api/architect/generate", json={"prompt": "list files"})
    assert res.status_code == 201, res.text
    rows = _rows(client)
    assert len(rows) == 1
    assert rows[0]["status"] == "SUCCESS" and int(rows[0]["attempts"]) == 2
    # A provider that keeps resetting gives up after the bounded retries, with one FAILED row.
    fake_llm_env.default = Reply(reset=True)
    res = client.post("/api/architect/generate", json={"prompt": "list files"})
    assert res.status_code >= 500 and res.json()["error"]["message"]
    rows = _rows(client)
    assert len(rows) == 2 and rows[0]["status"] == "FAILED"


@pytest.fixture
def no_os_keyring() -> Iterator[dict[str, str]]:
    """No OS keyring in this process or in the CLI it starts, as on CI; same on every machine."""
    import keyring
    from keyring.backends import fail

    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())  # type: ignore[no-untyped-call]
    yield {"PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}
    keyring.set_keyring(previous)


def test_kill9_during_master_key_rotation_keeps_every_secret_readable(
    tmp_path: Path, no_os_keyring: dict[str, str]
) -> None:
    import os
    import signal
    import subprocess
    import sys

    from forge_orchestrator.db.engine import make_engine
    from forge_orchestrator.db.migrate import upgrade
    from forge_orchestrator.keyring.factory import open_store
    from tests.conftest import make_settings

    data_dir = tmp_path / "data"
    settings = make_settings(data_dir)
    values = {f"secret-{i}": f"value-{i}-" + "x" * 40 for i in range(1500)}
    engine = make_engine(settings.resolved_database_url)
    upgrade(engine)
    store = open_store(settings, engine)
    for name, value in values.items():
        store.set(name, value)
    engine.dispose()

    env = {k: v for k, v in os.environ.items() if not k.startswith("FORGE_")}
    env["FORGE_KEYRING"] = "encrypted"
    env.update(no_os_keyring)
    cmd = [
        sys.executable,
        "-m",
        "forge_orchestrator.cli",
        "keys",
        "rotate-master",
        "--data-dir",
        str(data_dir),
    ]
    # One full rotation measures how long the command takes on this machine ...
    started = time.monotonic()
    first = subprocess.run(cmd, env=env, capture_output=True, text=True)
    assert first.returncode == 0, first.stdout + first.stderr
    full = time.monotonic() - started
    # ... then kill it at points spread over its life: start-up, re-encryption, key promotion.
    for fraction in (0.5, 0.7, 0.8, 0.88, 0.94, 0.98):
        delay = full * fraction
        proc = subprocess.Popen(
            cmd,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        time.sleep(delay)
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        engine = make_engine(settings.resolved_database_url)
        try:
            assert integrity(data_dir / "forge.db") == "ok"
            store = open_store(settings, engine)
            got = {name: store.get(name) for name in values}
            assert got == values, f"after kill at {delay}s some secrets no longer decrypt"
        finally:
            engine.dispose()
