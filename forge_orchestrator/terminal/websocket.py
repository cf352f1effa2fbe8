"""Serves one WebSocket attachment: replay, live output out, input/resize/ack frames in."""

from __future__ import annotations

import asyncio
import contextlib

from starlette.websockets import WebSocket, WebSocketDisconnect

from .attachment import CLOSE_SESSION_GONE, Attachment, CloseRequest
from .manager import TerminalManager
from .protocol import AckFrame, BadFrame, ErrorFrame, InputFrame, parse_client_frame
from .session import TerminalSession


async def serve_attachment(manager: TerminalManager, session_id: str, ws: WebSocket) -> None:
    """Auth and Origin were checked by the security middleware before this runs."""
    await ws.accept()
    session = manager.find(session_id)
    if session is None or session.closed:
        frame = ErrorFrame(code="not_found", message=f"No terminal session {session_id}")
        await ws.send_text(frame.model_dump_json())
        await ws.close(CLOSE_SESSION_GONE, "no such session")
        return
    client = session.attach()
    sender = asyncio.create_task(_send_frames(ws, client))
    receiver = asyncio.create_task(_receive_frames(ws, session, client))
    try:
        await asyncio.wait({sender, receiver}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in (sender, receiver):
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, WebSocketDisconnect, RuntimeError):
                await task
        session.detach(client)


async def _send_frames(ws: WebSocket, client: Attachment) -> None:
    while True:
        item = await client.next()
        if isinstance(item, CloseRequest):
            await ws.close(item.code, item.reason)
            return
        await ws.send_text(item)


async def _receive_frames(ws: WebSocket, session: TerminalSession, client: Attachment) -> None:
    while True:
        message = await ws.receive()
        if message["type"] == "websocket.disconnect":
            return
        text = message.get("text")
        if text is None:
            raw = message.get("bytes") or b""
            text = raw.decode("utf-8", errors="replace")
        try:
            frame = parse_client_frame(text)
        except BadFrame as exc:
            client.push(ErrorFrame(code="bad_frame", message=str(exc)))
            continue
        if isinstance(frame, InputFrame):
            session.write(client, frame.data)
        elif isinstance(frame, AckFrame):
            session.ack(client, frame.bytes)
        else:
            session.resize(frame.rows, frame.cols)
