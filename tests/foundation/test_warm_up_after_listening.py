"""`serve` answers before any warm-up starts, and imports nothing that only the warm-up needs."""

from __future__ import annotations

import subprocess
import sys
import threading
import time

import httpx
import pytest
import uvicorn

from forge_orchestrator import server
from forge_orchestrator.app import create_app
from forge_orchestrator.settings import Settings


def test_warm_ups_start_after_the_server_answers_and_once_requests_pause(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Started in the lifespan, the warm-up (GIL-bound imports, the tokenizer's tables) held up
    the first answer by 0.7-1 s; now it waits for the server to listen and for a quiet moment."""
    monkeypatch.setattr(server, "QUIET_S", 0.5)
    monkeypatch.setattr(server, "MAX_WAIT_S", 120.0)
    started: list[tuple[bool, int]] = []
    answered = 0
    monkeypatch.setattr(
        server,
        "run_after_startup",
        lambda app: started.append((srv.started, answered)),
    )
    app = create_app(settings)
    sock = server.bind_socket("127.0.0.1", 0)
    port = sock.getsockname()[1]
    srv = server.ForgeServer(uvicorn.Config(app, log_level="warning", lifespan="on"), app)
    thread = threading.Thread(target=srv.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}") as http:
            while True:
                try:
                    if http.get("/api/health").status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.01)
            assert started == []  # listening and answering, no warm-up yet
            # Requests back to back: no quiet moment, so still no warm-up.
            for _ in range(50):
                assert http.get("/api/health").status_code == 200
                answered += 1
            assert started == []
        deadline = time.monotonic() + 60
        while not started and time.monotonic() < deadline:
            time.sleep(0.05)
        assert started == [(True, 50)]
    finally:
        srv.should_exit = True
        thread.join(30)
        sock.close()


def test_serving_imports_no_alembic_shell_parser_http_client_or_vendor_sdk() -> None:
    """What `serve` imports before it answers; each of these loads later, when first used."""
    code = (
        "import sys\n"
        "import forge_orchestrator.cli, forge_orchestrator.server, forge_orchestrator.app\n"
        "heavy = ('alembic', 'bashlex', 'httpx', 'openai', 'anthropic', 'google.genai',\n"
        "         'sqlalchemy.dialects.postgresql')\n"
        "print(sorted(m for m in heavy if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
