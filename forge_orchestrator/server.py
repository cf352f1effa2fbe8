"""Runs the app under uvicorn: picks a free port if needed, prints the URL, opens a browser."""

from __future__ import annotations

import asyncio
import errno
import logging
import socket
import sys
import threading
import time
import webbrowser

import uvicorn
from fastapi import FastAPI

from . import datadir_lock
from .app import create_app, run_after_startup
from .security import describe_url
from .settings import Settings

# The warm-ups (the tokenizer's tables alone hold the GIL for ~1 s) start at the first quiet
# moment after start-up, so the first requests (the browser opening the login link) do not
# wait behind them: no request for QUIET_S and none in flight, or MAX_WAIT_S after listening.
QUIET_S = 0.25
MAX_WAIT_S = 3.0


class ForgeServer(uvicorn.Server):
    """uvicorn's server, which starts the app's after-start-up work once it is listening."""

    def __init__(self, config: uvicorn.Config, app: FastAPI) -> None:
        super().__init__(config)
        self._app = app
        self._warm_task: asyncio.Task[None] | None = None

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        if self.started:
            self._warm_task = asyncio.get_running_loop().create_task(self._after_quiet())

    async def _after_quiet(self) -> None:
        state = self.server_state
        deadline = time.monotonic() + MAX_WAIT_S
        seen = -1
        while time.monotonic() < deadline and (state.total_requests != seen or state.tasks):
            seen = state.total_requests
            await asyncio.sleep(QUIET_S)
        if not self.should_exit:
            run_after_startup(self._app)


def bind_socket(host: str, port: int) -> socket.socket:
    """Bind the requested port, or say it is taken and bind a free one instead."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        if exc.errno != errno.EADDRINUSE:
            raise
        sock.bind((host, 0))
        print(f"Port {port} is in use; using port {sock.getsockname()[1]} instead.", flush=True)
    sock.listen(2048)
    # No child may inherit the listener (Python's default; no worker processes are forked):
    # a job left running in a terminal would otherwise hold the port after the server dies.
    sock.set_inheritable(False)
    return sock


def configure_logging(settings: Settings) -> None:
    """The configured level for Forge; per-call lines of the HTTP client only at debug."""
    logging.basicConfig(
        level=settings.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    # The SDKs' httpx logs one INFO line per LLM call; the ledger already records each one.
    debug = settings.log_level.lower() == "debug"
    logging.getLogger("httpx").setLevel(logging.DEBUG if debug else logging.WARNING)


def serve(settings: Settings) -> int:
    configure_logging(settings)
    if settings.allow_remote:
        print(
            "WARNING: --allow-remote accepts requests for any Host name. Anyone who can reach "
            "this port and has the token can run shell commands as you.",
            file=sys.stderr,
            flush=True,
        )
    app = create_app(settings)
    sock = bind_socket(settings.host, settings.port)
    port = sock.getsockname()[1]
    datadir_lock.note_address(settings.data_dir, settings.host, port)
    url = describe_url(settings.host, port, app.state.guard.auth.new_login_code())
    config = uvicorn.Config(
        app,
        log_level=settings.log_level,
        access_log=False,  # access lines would carry the one-time ?token= query
        ws="websockets-sansio",
        # Loopback only: compression costs ~4x terminal throughput and saves nothing here.
        ws_per_message_deflate=False,
        timeout_graceful_shutdown=5,
        # Forge is never behind a proxy: X-Forwarded-* sent by a local process must not be
        # believed (and parsing them costs every request).
        proxy_headers=False,
    )
    server = ForgeServer(config, app)

    def announce() -> None:
        while not server.started and not server.should_exit:
            time.sleep(0.02)
        if server.started:
            print(f"Forge Orchestrator {app.version} is running.\n  Open: {url}", flush=True)
            if settings.open_browser:
                webbrowser.open(url)

    threading.Thread(target=announce, daemon=True).start()
    server.run(sockets=[sock])
    return 0
