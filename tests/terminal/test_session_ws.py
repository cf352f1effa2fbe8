"""A real shell on a real PTY over the real WebSocket: echo, resize, replay, exit, frames."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from .conftest import live_session, ws_url


def test_echo_round_trip(new_session: Callable[..., Any], attach: Callable[..., Any]) -> None:
    info = new_session()
    with attach(info["id"]) as term:
        ready, _ = term.attach_frames()
        assert ready["session"]["id"] == info["id"] and ready["session"]["status"] == "running"
        # The quotes keep the expected text out of the echoed command line.
        term.type("echo round-''trip-$((6*7))\r")
        assert "round-trip-42" in term.read_until("round-trip-42")


def test_resize_is_seen_by_stty(
    new_session: Callable[..., Any], attach: Callable[..., Any]
) -> None:
    info = new_session(rows=24, cols=80)
    with attach(info["id"]) as term:
        term.attach_frames()
        term.type("stty size; echo size-''shown\r")
        term.read_until("size-shown")
        assert "24 80" in term.text
        term.send({"type": "resize", "rows": 33, "cols": 101})
        term.type("stty size; echo resized-''shown\r")
        term.read_until("resized-shown")
        assert "33 101" in term.text.split("size-shown", 1)[1]


def test_detach_reattach_replays_scrollback(
    client: TestClient, new_session: Callable[..., Any], attach: Callable[..., Any]
) -> None:
    info = new_session()
    with attach(info["id"]) as term:
        term.attach_frames()
        term.type("echo before-''detach\r")
        term.read_until("before-detach")
    listed = client.get(f"/api/terminal/sessions/{info['id']}").json()
    assert listed["status"] == "running" and listed["attached"] is False
    with attach(info["id"]) as again:
        _, replay = again.attach_frames()
        assert "before-detach" in replay["data"]
        assert replay["bytes"] >= len("before-detach")
        again.type("echo after-''reattach\r")
        again.read_until("after-reattach")


def test_reattach_replays_output_but_not_the_queries_in_it(
    new_session: Callable[..., Any], attach: Callable[..., Any]
) -> None:
    info = new_session()
    with attach(info["id"]) as term:
        term.attach_frames()
        # The live client gets the queries (a program is waiting for the answers)…
        term.type("printf 'asked\\033[6n\\033[c\\033]11;?\\007-''done\\n'\r")
        live = term.read_until("asked\x1b[6n\x1b[c\x1b]11;?\x07-done")
        assert "\x1b[6n" in live
    with attach(info["id"]) as again:
        _, replay = again.attach_frames()
        # …a reattaching one only what they left on the screen, so nothing is answered twice.
        assert "asked-done" in replay["data"]
        assert "\x1b[6n" not in replay["data"] and "\x1b]11;?" not in replay["data"]


def test_shell_exit_reports_code_and_is_kept_for_replay(
    client: TestClient, new_session: Callable[..., Any], attach: Callable[..., Any]
) -> None:
    info = new_session()
    with attach(info["id"]) as term:
        term.attach_frames()
        term.type("echo last-''words; exit 7\r")
        assert term.recv_type("exit")["code"] == 7
        assert "last-words" in term.text
    listed = client.get(f"/api/terminal/sessions/{info['id']}").json()
    assert (listed["status"], listed["exit_code"]) == ("exited", 7)
    with attach(info["id"]) as again:
        _, replay = again.attach_frames()
        assert "last-words" in replay["data"]
        assert again.recv()["code"] == 7


def test_multibyte_character_split_across_reads_survives(
    new_session: Callable[..., Any], attach: Callable[..., Any]
) -> None:
    info = new_session()
    with attach(info["id"]) as term:
        term.attach_frames()
        # The euro sign's three bytes reach the PTY in two writes 300 ms apart.
        term.type("printf 'eu\\xe2\\x82'; sleep 0.3; printf '\\xacro-d%sne\\n' o\r")
        term.read_until("ro-done")
        assert "eu€ro-done" in term.text
        assert "\ufffd" not in term.text


def test_bad_frames_get_error_frames_and_the_session_keeps_working(
    new_session: Callable[..., Any], attach: Callable[..., Any]
) -> None:
    info = new_session()
    with attach(info["id"]) as term:
        term.attach_frames()
        bad: list[str] = [
            "not json",
            '{"type": "resize", "rows": 0, "cols": 80}',
            '{"type": "launch-missiles"}',
            '{"type": "ack", "bytes": -5}',
            '{"type": "input"}',
        ]
        for text in bad:
            term.ws.send_text(text)
            error = term.recv_type("error")
            assert error["code"] == "bad_frame" and error["message"]
        term.ws.send_bytes(b"\xff\xfe")
        assert term.recv_type("error")["code"] == "bad_frame"
        term.type("echo still-''alive\r")
        term.read_until("still-alive")


def test_second_client_takes_over_the_first(
    app: FastAPI, client: TestClient, new_session: Callable[..., Any], attach: Callable[..., Any]
) -> None:
    info = new_session()
    with attach(info["id"]) as first:
        first.attach_frames()
        with attach(info["id"]) as second:
            second.attach_frames()
            assert first.recv_type("detached")["reason"]
            with pytest.raises(WebSocketDisconnect) as closed:
                first.recv()
            assert closed.value.code == 4001
            second.type("echo second-''owns-it\r")
            second.read_until("second-owns-it")
            assert live_session(app, info["id"]).client is not None


def test_unknown_session_gets_not_found_and_close(client: TestClient) -> None:
    with client.websocket_connect(ws_url("no-such-session")) as ws:
        frame = ws.receive_json()
        assert frame["type"] == "error" and frame["code"] == "not_found"
        with pytest.raises(WebSocketDisconnect) as closed:
            ws.receive_json()
        assert closed.value.code == 4404
