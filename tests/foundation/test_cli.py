"""The console script: --help/--version, serve prints the token URL, a taken port falls back."""

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


def test_serve_prints_token_url_and_falls_back_from_a_taken_port(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        busy = taken.getsockname()[1]
        proc, out = _serve(tmp_path / "data", busy)
        try:
            assert f"Port {busy} is in use" in out
            url = re.search(r"Open: (http://127\.0\.0\.1:(\d+)/\?token=(\S+))", out)
            assert url, out
            port, token = int(url.group(2)), url.group(3)
            assert port != busy
            assert token == (tmp_path / "data" / "token").read_text()
            with httpx.Client(base_url=f"http://127.0.0.1:{port}") as c:
                assert c.get("/api/health").json()["status"] == "ok"
                assert c.get("/api/app/info").status_code == 401
                res = c.get(f"/?token={token}", follow_redirects=False)
                assert res.status_code == 303 and "forge_token=" in res.headers["set-cookie"]
        finally:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=15)


def test_allow_remote_prints_a_warning(tmp_path: Path) -> None:
    proc, out = _serve(tmp_path / "data", 0, "--allow-remote")
    try:
        assert "WARNING" in out and "allow-remote" in out
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=15)
