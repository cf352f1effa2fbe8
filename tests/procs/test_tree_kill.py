"""Cancel, timeout and close end a run's whole tree: setsid, `set -m`, timeout, double forks."""

from __future__ import annotations

import asyncio
import os
import signal
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psutil
import pytest
from fastapi.testclient import TestClient

from forge_orchestrator.app import create_app
from forge_orchestrator.commands.process import run_process
from forge_orchestrator.procs import cgroup
from tests.conftest import BASE_URL, TOKEN, make_settings
from tests.flows.helpers import flow, shell
from tests.terminal.conftest import Term, ws_url

from .escapes import (
    MARK_VAR,
    describe,
    escaping,
    kill_marked,
    marked,
    new_mark,
    wait_marked_sleeps,
)

CAP = 1024 * 1024


@pytest.fixture
def mark() -> Iterator[str]:
    value = new_mark()
    yield value
    kill_marked(value)


def _survivors(mark: str) -> list[str]:
    return describe(marked(mark))


async def test_cancel_ends_every_escaped_child(mark: str) -> None:
    cancel = asyncio.Event()
    task = asyncio.create_task(
        run_process(escaping(), env={MARK_VAR: mark}, timeout_s=60, output_cap=CAP, cancel=cancel)
    )
    await asyncio.to_thread(wait_marked_sleeps, mark)
    cancel.set()
    result = await task
    assert result.status == "cancelled"
    assert _survivors(mark) == []


async def test_timeout_ends_every_escaped_child(mark: str) -> None:
    task = asyncio.create_task(
        run_process(escaping(), env={MARK_VAR: mark}, timeout_s=3, output_cap=CAP)
    )
    await asyncio.to_thread(wait_marked_sleeps, mark)
    result = await task
    assert result.status == "timed_out"
    assert _survivors(mark) == []


async def test_a_tree_that_forks_while_it_is_killed_still_ends(mark: str) -> None:
    # Ignores SIGTERM and keeps starting new sessions until the SIGKILL round.
    command = "trap '' TERM; echo started; while :; do setsid sleep 1005 & sleep 0.02; done"
    cancel = asyncio.Event()
    task = asyncio.create_task(
        run_process(
            command, env={MARK_VAR: mark}, timeout_s=60, output_cap=CAP, cancel=cancel, grace_s=0.5
        )
    )
    await asyncio.to_thread(wait_marked_sleeps, mark, 3)
    cancel.set()
    assert (await task).status == "cancelled"
    assert _survivors(mark) == []


def _client(data_dir: Path, **overrides: Any) -> TestClient:
    app = create_app(make_settings(data_dir, **overrides))
    return TestClient(app, base_url=BASE_URL, headers={"Authorization": f"Bearer {TOKEN}"})


def test_cancelling_a_command_run_ends_its_whole_tree(data_dir: Path, mark: str) -> None:
    with _client(data_dir) as c:
        run = c.post("/api/commands/run", json={"command": escaping(), "env": {MARK_VAR: mark}})
        assert run.status_code == 201, run.text
        wait_marked_sleeps(mark)
        done = c.post(f"/api/commands/runs/{run.json()['run']['id']}/cancel").json()
        assert done["status"] == "cancelled"
        assert _survivors(mark) == []


def test_a_command_run_that_times_out_ends_its_whole_tree(data_dir: Path, mark: str) -> None:
    with _client(data_dir) as c:
        body = {"command": escaping(), "env": {MARK_VAR: mark}, "timeout_s": 3}
        run_id = c.post("/api/commands/run", json=body).json()["run"]["id"]
        wait_marked_sleeps(mark)
        deadline = time.monotonic() + 60
        while (run := c.get(f"/api/commands/runs/{run_id}").json())["status"] == "running":
            assert time.monotonic() < deadline
            time.sleep(0.05)
        assert run["status"] == "timed_out"
        assert _survivors(mark) == []


def test_cancelling_a_flow_run_ends_its_shell_steps_tree(data_dir: Path, mark: str) -> None:
    data = flow([shell("escape", escaping(), env={MARK_VAR: mark})], [])
    with _client(data_dir) as c:
        flow_id = c.post("/api/flows", json={"name": "escapes", "data": data}).json()["id"]
        run_id = c.post(f"/api/flows/{flow_id}/runs", json={}).json()["run"]["id"]
        wait_marked_sleeps(mark)
        cancelled = c.post(f"/api/flows/runs/{run_id}/cancel")
        assert cancelled.status_code == 200, cancelled.text
        assert cancelled.json()["status"] == "cancelled"
        assert _survivors(mark) == []


def _start_escapes_in_terminal(c: TestClient, session_id: str, mark: str) -> None:
    with c.websocket_connect(ws_url(session_id)) as ws:
        term = Term(ws)
        term.attach_frames()
        term.type(f"export {MARK_VAR}={mark}; {escaping('echo typed-done')}\r")
        term.read_until("typed-done")
    wait_marked_sleeps(mark, 5)  # the interactive shell itself runs no sleep


def test_closing_a_terminal_ends_what_escaped_its_session(
    data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mark: str
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    with _client(data_dir) as c:
        info = c.post("/api/terminal/sessions", json={"shell": "bash"}).json()
        _start_escapes_in_terminal(c, info["id"], mark)
        assert c.delete(f"/api/terminal/sessions/{info['id']}").status_code == 200
        assert _survivors(mark) == []


def test_an_idle_terminal_that_expires_ends_what_escaped_its_session(
    data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mark: str
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    with _client(data_dir, terminal_idle_timeout_s=1.0) as c:
        info = c.post("/api/terminal/sessions", json={"shell": "bash"}).json()
        _start_escapes_in_terminal(c, info["id"], mark)
        deadline = time.monotonic() + 30
        while c.get("/api/terminal/sessions").json():
            assert time.monotonic() < deadline, "the idle session never expired"
            time.sleep(0.05)
        # Expiry closes the session first and ends its tree as part of the close.
        deadline = time.monotonic() + 10
        while _survivors(mark) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _survivors(mark) == []


def _by_cmdline(word: str) -> list[str]:
    found = []
    for proc in psutil.process_iter(["cmdline", "status"]):
        if word in (proc.info["cmdline"] or []) and proc.info["status"] != psutil.STATUS_ZOMBIE:
            found.append(f"{proc.pid} {' '.join(proc.info['cmdline'])}")
    return found


@pytest.mark.skipif(cgroup.base() is None, reason="this system gives us no cgroup v2 to create")
def test_closing_a_terminal_ends_a_child_only_its_cgroup_knows(
    data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Nothing but the cgroup links it to the session: new session, empty environment, and
    # its parent (the subshell) is gone.
    monkeypatch.setenv("HOME", str(tmp_path))
    seconds = f"1040.{uuid.uuid4().int % 10**6}"
    try:
        with _client(data_dir) as c:
            info = c.post("/api/terminal/sessions", json={"shell": "bash"}).json()
            with c.websocket_connect(ws_url(info["id"])) as ws:
                term = Term(ws)
                term.attach_frames()
                term.type(f"(setsid env -i sleep {seconds} &); echo typed-''done\r")
                term.read_until("typed-done")
            deadline = time.monotonic() + 30
            while not _by_cmdline(seconds):
                assert time.monotonic() < deadline
                time.sleep(0.05)
            assert c.delete(f"/api/terminal/sessions/{info['id']}").status_code == 200
            assert _by_cmdline(seconds) == []
    finally:
        for line in _by_cmdline(seconds):
            os.kill(int(line.split()[0]), signal.SIGKILL)
