"""Typed JSON frames spoken over the terminal WebSocket, validated with pydantic.

Client → server: ``input`` (keystrokes / paste), ``resize`` (rows, cols), ``ack`` (bytes of
output consumed, summed from the ``bytes`` field of output/replay frames).
Server → client: ``ready`` (session info), ``replay`` (scrollback on attach), ``output``,
``exit`` (code; negative means killed by that signal), ``error`` (a bad frame; the connection
stays open) and ``detached`` (another client took the session over).
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from .models import MAX_COLS, MAX_ROWS, SessionInfo

MAX_INPUT_CHARS = 1024 * 1024


class _Frame(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class InputFrame(_Frame):
    type: Literal["input"]
    data: str = Field(max_length=MAX_INPUT_CHARS)


class ResizeFrame(_Frame):
    type: Literal["resize"]
    rows: int = Field(ge=1, le=MAX_ROWS)
    cols: int = Field(ge=1, le=MAX_COLS)


class AckFrame(_Frame):
    type: Literal["ack"]
    bytes: int = Field(ge=0)


ClientFrame = Annotated[InputFrame | ResizeFrame | AckFrame, Field(discriminator="type")]
_client_frames: TypeAdapter[InputFrame | ResizeFrame | AckFrame] = TypeAdapter(ClientFrame)


class BadFrame(Exception):
    """A client frame that is not valid JSON or not one of the client frame types."""


def parse_client_frame(text: str) -> InputFrame | ResizeFrame | AckFrame:
    try:
        return _client_frames.validate_json(text)
    except ValidationError as exc:
        first = exc.errors()[0] if exc.errors() else {"loc": (), "msg": "invalid frame"}
        where = ".".join(str(p) for p in first.get("loc", ())) or "frame"
        raise BadFrame(f"{where}: {first.get('msg', 'invalid')}") from None


class OutputFrame(_Frame):
    type: Literal["output"] = "output"
    data: str
    # PTY bytes this frame stands for; the client acks these, not its own string length.
    bytes: int


class ReplayFrame(_Frame):
    type: Literal["replay"] = "replay"
    data: str
    bytes: int


class ExitFrame(_Frame):
    type: Literal["exit"] = "exit"
    code: int | None


class ErrorFrame(_Frame):
    type: Literal["error"] = "error"
    code: str
    message: str


class DetachedFrame(_Frame):
    type: Literal["detached"] = "detached"
    reason: str


class ReadyFrame(_Frame):
    type: Literal["ready"] = "ready"
    session: SessionInfo
