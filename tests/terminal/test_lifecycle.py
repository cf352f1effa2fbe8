"""Closing, idle expiry and shutdown end the shell and its jobs; bad requests get the error shape."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psutil
import pytest
from fastapi.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from forge_orchestrator.app import create_app
from tests.conftest import BASE_URL, TOKEN, assert_error_shape, make_settings

from .conftest import Term, ws_url


def _gone(pid: int) -> bool:
    """No such process, or only a zombie of a job the init process has yet to reap."""
    try:
        return psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


def _wait_for(condition: Callable[[], bool], timeout: float = 15.0) -> bool:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def test_close_kills_and_reaps_the_shell_and_its_jobs(
    client: TestClient, new_session: Callable[..., Any], attach: Callable[..., Any]
) -> None:
    info = new_session()
    with attach(info["id"]) as term:
        term.attach_frames()
        term.type("sleep 300 & echo job-''pid=$!\r")
        job_pid = int(term.read_until_match(r"job-pid=(\d+)\r?\n")[1])
        assert psutil.pid_exists(job_pid)
        closed = client.delete(f"/api/terminal/sessions/{info['id']}")
        assert closed.status_code == 200
        assert closed.json()["status"] == "exited"
        assert term.recv_type("exit")["type"] == "exit"
        with pytest.raises(WebSocketDisconnect) as gone:
            term.recv()
        assert gone.value.code == 4404
    # The shell is our child: reaped, so not even a zombie remains.
    with pytest.raises(ProcessLookupError):
        os.kill(info["pid"], 0)
    assert _gone(job_pid)
    assert client.get("/api/terminal/sessions").json() == []
    assert_error_shape(client.get(f"/api/terminal/sessions/{info['id']}").json(), "not_found")


def test_detached_session_ends_after_idle_timeout(data_dir: Path) -> None:
    app = create_app(make_settings(data_dir, terminal_idle_timeout_s=0.3))
    headers = {"Authorization": f"Bearer {TOKEN}"}
    with TestClient(app, base_url=BASE_URL, headers=headers) as c:
        idle = c.post("/api/terminal/sessions", json={"shell": "bash"}).json()
        watched = c.post("/api/terminal/sessions", json={"shell": "bash"}).json()
        with c.websocket_connect(ws_url(watched["id"])) as ws:
            term = Term(ws)
            term.attach_frames()

            def listed() -> list[str]:
                return [s["id"] for s in c.get("/api/terminal/sessions").json()]

            # The attached session is never idle, however long it stays attached.
            assert _wait_for(lambda: listed() == [watched["id"]])
            assert _gone(idle["pid"])
            term.type("echo still-''here\r")
            term.read_until("still-here")
        assert _wait_for(lambda: c.get("/api/terminal/sessions").json() == [])
        assert _gone(watched["pid"])


def test_shutdown_closes_every_session(data_dir: Path) -> None:
    app = create_app(make_settings(data_dir))
    headers = {"Authorization": f"Bearer {TOKEN}"}
    with TestClient(app, base_url=BASE_URL, headers=headers) as c:
        pids = [c.post("/api/terminal/sessions", json={}).json()["pid"] for _ in range(2)]
        assert all(psutil.pid_exists(p) for p in pids)
    for pid in pids:
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)


@pytest.mark.parametrize(
    ("body", "where"),
    [
        ({"rows": 0}, "rows"),
        ({"cols": 5000}, "cols"),
        ({"shell": "no-such-shell-here"}, "Shell not found"),
        ({"cwd": "/definitely/not/a/dir"}, "does not exist"),
    ],
)
def test_bad_create_requests_get_422(client: TestClient, body: dict[str, Any], where: str) -> None:
    res = client.post("/api/terminal/sessions", json=body)
    assert res.status_code == 422
    assert_error_shape(res.json(), "validation_failed")
    assert where in res.json()["error"]["message"]


def test_create_uses_given_cwd_and_lists_it(
    client: TestClient, tmp_path: Path, new_session: Callable[..., Any], attach: Callable[..., Any]
) -> None:
    info = new_session(cwd=str(tmp_path))
    assert info["cwd"] == str(tmp_path.resolve())
    with attach(info["id"]) as term:
        term.attach_frames()
        term.type("pwd; echo pwd-''done\r")
        term.read_until("pwd-done")
        assert str(tmp_path.resolve()) in term.text
    assert [s["id"] for s in client.get("/api/terminal/sessions").json()] == [info["id"]]


def test_closing_unknown_session_is_404(client: TestClient) -> None:
    res = client.delete("/api/terminal/sessions/nope")
    assert res.status_code == 404
    assert_error_shape(res.json(), "not_found")


def test_tab_numbers_stay_with_their_sessions(
    client: TestClient, new_session: Callable[..., Any]
) -> None:
    first, second, third = (new_session()["id"] for _ in range(3))
    assert client.delete(f"/api/terminal/sessions/{first}").status_code == 200
    listed = client.get("/api/terminal/sessions").json()
    # Closing the first renumbers nobody; a new one takes the next number up.
    assert [(s["id"], s["number"]) for s in listed] == [(second, 2), (third, 3)]
    assert new_session()["number"] == 4
    for session in client.get("/api/terminal/sessions").json():
        client.delete(f"/api/terminal/sessions/{session['id']}")
    assert new_session()["number"] == 1
