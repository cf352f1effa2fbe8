"""The console script: --help/--version, serve prints a login link, a taken port falls back,
`login` and `token rotate` against the running server."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from forge_orchestrator import __version__
from forge_orchestrator.cli import main


def test_version(capsys: object) -> None:
    import pytest

    with pytest.raises(SystemExit) as done:
        main(["--version"])
    assert done.value.code == 0
    assert __version__ in capsys.readouterr().out  # type: ignore[attr-defined]


def test_serve_help_documents_every_option(capsys: object) -> None:
    import pytest

    with pytest.raises(SystemExit):
        main(["serve", "--help"])
    out = capsys.readouterr().out  # type: ignore[attr-defined]
    for option in ("--host", "--port", "--data-dir", "--no-browser", "--allow-remote"):
        assert option in out


def _serve(data_dir: Path, port: int, *extra: str) -> tuple[subprocess.Popen[str], str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FORGE_")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "forge_orchestrator.cli", "serve", "--no-browser", "--port", str(port),
         "--data-dir", str(data_dir), *extra],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True,
    )  # fmt: skip
    lines = []
    deadline = time.monotonic() + 30
    assert proc.stdout is not None
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        lines.append(line)
        if "Open: " in line:
            return proc, "".join(lines)
    os.killpg(proc.pid, signal.SIGKILL)
    raise AssertionError("serve never printed its URL:\n" + "".join(lines))


def _cli(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FORGE_")}
    return subprocess.run(
        [sys.executable, "-m", "forge_orchestrator.cli", *args, "--data-dir", str(data_dir)],
        env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip


def test_serve_prints_a_one_time_login_link_and_falls_back_from_a_taken_port(
    tmp_path: Path,
) -> None:
    data_dir = tmp_path / "data"
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        busy = taken.getsockname()[1]
        proc, out = _serve(data_dir, busy)
        try:
            assert f"Port {busy} is in use" in out
            url = re.search(r"Open: (http://127\.0\.0\.1:(\d+)/login\?code=(\S+))", out)
            assert url, out
            port, code = int(url.group(2)), url.group(3)
            assert port != busy
            token = (data_dir / "token").read_text()
            assert code != token and token not in out
            with httpx.Client(base_url=f"http://127.0.0.1:{port}") as c:
                assert c.get("/api/health").json()["status"] == "ok"
                assert c.get("/api/app/info").status_code == 401
                res = c.get(f"/login?code={code}", follow_redirects=False)
                assert res.status_code == 303
                assert res.headers["set-cookie"].startswith(f"forge_session_{port}=")
                assert token not in res.headers["set-cookie"]
                assert c.get(f"/login?code={code}", follow_redirects=False).status_code == 401
            # `login` prints a fresh link for the running server.
            fresh = _cli(data_dir, "login", "--port", str(port))
            assert fresh.returncode == 0, fresh.stderr
            link = re.search(r"(http://127\.0\.0\.1:\d+/login\?code=\S+)", fresh.stdout)
            assert link, fresh.stdout
            with httpx.Client() as c:
                assert c.get(link.group(1), follow_redirects=False).status_code == 303
                bearer = {"Authorization": f"Bearer {token}"}
                # `token rotate` replaces the token in the running server too.
                rotated = _cli(data_dir, "token", "rotate", "--port", str(port))
                assert rotated.returncode == 0, rotated.stderr
                assert "2 browser session(s) ended" in rotated.stdout
                new = (data_dir / "token").read_text()
                assert new != token
                info = f"http://127.0.0.1:{port}/api/app/info"
                assert c.get(info, headers=bearer).status_code == 401
                bearer = {"Authorization": f"Bearer {new}"}
                assert c.get(info, headers=bearer).status_code == 200
        finally:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=15)
    # With no server running, `login` says so and `token rotate` just rewrites the file.
    free = socket.socket()
    free.bind(("127.0.0.1", 0))
    port_free = free.getsockname()[1]
    free.close()
    assert _cli(data_dir, "login", "--port", str(port_free)).returncode == 1
    offline = _cli(data_dir, "token", "rotate", "--port", str(port_free))
    assert offline.returncode == 0 and "no server was running" in offline.stdout


def test_allow_remote_prints_a_warning(tmp_path: Path) -> None:
    proc, out = _serve(tmp_path / "data", 0, "--allow-remote")
    try:
        assert "WARNING" in out and "allow-remote" in out
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=15)
