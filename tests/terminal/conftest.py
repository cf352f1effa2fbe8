"""Helpers for driving a real PTY session over the real WebSocket through TestClient."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import anyio
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from starlette.testclient import WebSocketTestSession
from starlette.websockets import WebSocketDisconnect

from forge_orchestrator.terminal.session import TerminalSession

WS_BASE = "ws://127.0.0.1:8080"


def ws_url(session_id: str) -> str:
    return f"{WS_BASE}/api/terminal/sessions/{session_id}/ws"


class Term:
    """A terminal client: collects output text, acks what it consumed (unless told not to)."""

    def __init__(self, ws: WebSocketTestSession, *, ack: bool = True) -> None:
        self.ws = ws
        self.ack = ack
        self.text = ""
        self.frames: list[dict[str, Any]] = []
        self.unacked = 0

    def recv(self, timeout: float = 15.0) -> dict[str, Any]:
        async def next_message() -> Any:
            with anyio.fail_after(timeout):
                return await self.ws._send_rx.receive()

        message = self.ws.portal.call(next_message)
        if message["type"] == "websocket.close":
            raise WebSocketDisconnect(message.get("code", 1000), message.get("reason"))
        frame: dict[str, Any] = json.loads(message["text"])
        self.frames.append(frame)
        if frame["type"] in ("output", "replay"):
            self.text += frame["data"]
            if self.ack:
                self.send({"type": "ack", "bytes": frame["bytes"]})
            else:
                self.unacked += frame["bytes"]
        return frame

    def recv_type(self, kind: str, timeout: float = 15.0) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while True:
            frame = self.recv(max(0.01, deadline - time.monotonic()))
            if frame["type"] == kind:
                return frame

    def send(self, frame: dict[str, Any]) -> None:
        self.ws.send_json(frame)

    def type(self, text: str) -> None:
        self.send({"type": "input", "data": text})

    def read_until(self, needle: str, timeout: float = 15.0) -> str:
        deadline = time.monotonic() + timeout
        while needle not in self.text:
            self.recv(max(0.01, deadline - time.monotonic()))
        return self.text

    def read_until_match(self, pattern: str, timeout: float = 15.0) -> re.Match[str]:
        deadline = time.monotonic() + timeout
        while (match := re.search(pattern, self.text)) is None:
            self.recv(max(0.01, deadline - time.monotonic()))
        return match

    def attach_frames(self) -> tuple[dict[str, Any], dict[str, Any]]:
        ready = self.recv()
        replay = self.recv()
        assert ready["type"] == "ready" and replay["type"] == "replay", (ready, replay)
        return ready, replay


@pytest.fixture(autouse=True)
def _own_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Shells start from an empty home: the developer's rc files stay out of the tests.

    (A slow rc, e.g. one running `pyenv rehash`, would only make every test wait on it.)"""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))


@pytest.fixture
def new_session(client: TestClient) -> Callable[..., dict[str, Any]]:
    def create(**body: Any) -> dict[str, Any]:
        res = client.post("/api/terminal/sessions", json={"shell": "bash", **body})
        assert res.status_code == 201, res.text
        info: dict[str, Any] = res.json()
        return info

    return create


@pytest.fixture
def attach(client: TestClient) -> Callable[..., Any]:
    @contextmanager
    def connect(session_id: str, *, ack: bool = True) -> Iterator[Term]:
        with client.websocket_connect(ws_url(session_id)) as ws:
            yield Term(ws, ack=ack)

    return connect


def live_session(app: FastAPI, session_id: str) -> TerminalSession:
    session = app.state.terminals.find(session_id)
    assert session is not None
    return session  # type: ignore[no-any-return]
