"""Starts a real `forge-orchestrator serve` process on a free port with its own data dir."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from tests.fakes.fixtures import FAKE_ANTHROPIC_KEY, FAKE_OPENAI_KEY
from tests.fakes.llm_server import FakeLLMServer

TOKEN = "e2e-token-0123456789abcdef0123456789abcdef"
CHROMIUM = os.environ.get("FORGE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class ServerProcess:
    data_dir: Path
    env: dict[str, str] = field(default_factory=dict)
    port: int = 0
    proc: subprocess.Popen[bytes] | None = None
    log_path: Path | None = None
    # Argv put before the server's own, e.g. ["strace", "-f", ...] to trace it.
    wrapper: list[str] = field(default_factory=list)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def login_url(self) -> str:
        """A fresh one-time login link (each use spends it), minted by the API token."""
        with self.client() as c:
            res = c.post("/api/sessions/login-codes")
            res.raise_for_status()
            return str(res.json()["url"])

    def printed_login_url(self) -> str:
        """The link `serve` printed at start-up."""
        match = re.search(r"Open: (http://\S+/login\?code=\S+)", self.log())
        if match is None:
            raise RuntimeError(f"serve printed no login link:\n{self.log()}")
        return match.group(1)

    def start(self, timeout: float = 30.0) -> ServerProcess:
        self.port = self.port or free_port()
        env = {k: v for k, v in os.environ.items() if not k.startswith("FORGE_")}
        env.update(
            {
                "FORGE_TOKEN": TOKEN,
                "FORGE_KEYRING": "encrypted",
                "FORGE_DATA_DIR": str(self.data_dir),
                "PYTHONUNBUFFERED": "1",
            }
        )
        env.update(self.env)
        self.log_path = self.data_dir.parent / f"server-{self.port}.log"
        self.data_dir.mkdir(parents=True, exist_ok=True)
        log = self.log_path.open("ab")
        self.proc = subprocess.Popen(
            [
                *self.wrapper,
                sys.executable,
                "-m",
                "forge_orchestrator.cli",
                "serve",
                "--no-browser",
                "--port",
                str(self.port),
            ],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited early:\n{self.log()}")
            try:
                if httpx.get(f"{self.base_url}/api/health", timeout=1).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"server did not answer /api/health in {timeout}s:\n{self.log()}")

    def log(self) -> str:
        return (
            self.log_path.read_text(errors="replace")
            if self.log_path and self.log_path.exists()
            else ""
        )

    def client(self) -> httpx.Client:
        return httpx.Client(
            base_url=self.base_url, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=30
        )

    def kill9(self) -> None:
        """Crash the server the hard way: SIGKILL, no shutdown handlers run."""
        assert self.proc is not None
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)


def fake_provider_env(fake: FakeLLMServer) -> dict[str, str]:
    """The server's environment for both vendors pointed at the fake provider, with its keys."""
    return {
        "OPENAI_BASE_URL": fake.openai_base_url,
        "OPENAI_API_KEY": FAKE_OPENAI_KEY,
        "ANTHROPIC_BASE_URL": fake.anthropic_base_url,
        "ANTHROPIC_API_KEY": FAKE_ANTHROPIC_KEY,
    }
