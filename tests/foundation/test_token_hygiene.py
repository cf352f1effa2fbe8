"""Token hygiene: length, token-file mode, data-dir and database modes, credentials kept out of logs."""

from __future__ import annotations

import logging
import os
import socket
import stat
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn
from fastapi.testclient import TestClient
from pydantic import ValidationError

from forge_orchestrator.app import create_app
from forge_orchestrator.settings import Settings
from tests.conftest import BASE_URL, TOKEN, make_settings


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_short_token_is_refused_with_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="at least 32 characters"):
        Settings(data_dir=tmp_path, token="abc")  # type: ignore[arg-type]
    env = {k: v for k, v in os.environ.items() if not k.startswith("FORGE_")}
    env.update({"FORGE_TOKEN": "abc", "FORGE_DATA_DIR": str(tmp_path / "d")})
    res = subprocess.run(
        [sys.executable, "-m", "forge_orchestrator.cli", "serve", "--no-browser", "--port", "0"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert res.returncode == 2
    assert "token: Value error, FORGE_TOKEN must be at least 32 characters" in res.stderr
    assert "Traceback" not in res.stderr


def test_a_token_file_readable_by_others_is_refused(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    (data_dir / "token").write_text("t" * 43)
    (data_dir / "token").chmod(0o644)
    with pytest.raises(Exception, match=r"0644.*must be 0600") as err:
        create_app(make_settings(data_dir, token=None))
    assert getattr(err.value, "code", None) == "token_file_insecure"


def test_a_short_token_file_is_refused(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    fd = os.open(data_dir / "token", os.O_WRONLY | os.O_CREAT, 0o600)
    os.write(fd, b"abc")
    os.close(fd)
    with pytest.raises(Exception, match="at least 32"):
        create_app(make_settings(data_dir, token=None))


def test_data_dir_is_0700_and_the_database_files_0600(tmp_path: Path) -> None:
    old = os.umask(0o022)  # the usual umask, under which plain creation gives 0755 / 0644
    try:
        data_dir = tmp_path / "data"
        app = create_app(make_settings(data_dir))
        with TestClient(app, base_url=BASE_URL, headers={"Authorization": f"Bearer {TOKEN}"}) as c:
            assert c.post("/api/commands", json={"name": "x", "command": "true"}).status_code
            files = {p.name: _mode(p) for p in data_dir.iterdir() if p.name.startswith("forge.db")}
    finally:
        os.umask(old)
    assert _mode(data_dir) == 0o700
    assert files.get("forge.db") == 0o600, files
    assert {"forge.db-wal", "forge.db-shm"} <= set(files), files  # WAL mode: they exist
    assert set(files.values()) == {0o600}, files


def test_existing_loose_modes_are_tightened(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir(mode=0o755)
    data_dir.chmod(0o755)
    (data_dir / "forge.db").touch()
    (data_dir / "forge.db").chmod(0o644)
    create_app(make_settings(data_dir))
    assert _mode(data_dir) == 0o700 and _mode(data_dir / "forge.db") == 0o600


class _Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


@pytest.fixture
def live(tmp_path: Path) -> Iterator[tuple[str, _Capture]]:
    """A real uvicorn with its access log ON, in a thread, its log lines captured."""
    app = create_app(make_settings(tmp_path / "data"))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    config = uvicorn.Config(app, host="127.0.0.1", port=port, access_log=True, log_level="info")
    server = uvicorn.Server(config)
    capture = _Capture()
    loggers = [logging.getLogger(n) for n in ("uvicorn.access", "uvicorn.error")]
    for lg in loggers:
        lg.addHandler(capture)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        while not server.started:
            if not thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            threading.Event().wait(0.02)
        yield f"127.0.0.1:{port}", capture
    finally:
        server.should_exit = True
        thread.join(10)
        for lg in loggers:
            lg.removeHandler(capture)


def test_credentials_in_query_strings_are_redacted_from_uvicorn_logs(
    live: tuple[str, _Capture],
) -> None:
    addr, capture = live
    secret = "S3CRET-value-0123456789abcdef"
    with httpx.Client(base_url=f"http://{addr}") as c:
        c.get(f"/login?code={secret}")
        c.get(f"/api/app/info?ticket={secret}&x=1")
        c.get(f"/api/app/info?tok%65n={secret}")
        c.get(f"/api/app/info?token={secret}")
    import websockets.sync.client as wsc

    with pytest.raises(Exception):  # refused: the ticket is unknown
        wsc.connect(f"ws://{addr}/api/terminal/sessions/x/ws?ticket={secret}").close()
    text = "\n".join(capture.lines)
    assert "/login?code=[redacted]" in text and "ticket=[redacted]&x=1" in text, text
    assert "WebSocket /api/terminal/sessions/x/ws?ticket=[redacted]" in text, text
    assert secret not in text, text
