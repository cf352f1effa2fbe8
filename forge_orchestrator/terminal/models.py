"""Pydantic shapes of a terminal session as the API creates and lists it."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

MAX_ROWS = 1000
MAX_COLS = 1000


class SessionCreate(BaseModel):
    shell: str | None = Field(
        None, max_length=4096, description="Shell to run; default $SHELL, else bash."
    )
    cwd: str | None = Field(
        None, max_length=4096, description="Working directory; default your home directory."
    )
    rows: int = Field(24, ge=1, le=MAX_ROWS)
    cols: int = Field(80, ge=1, le=MAX_COLS)


class SessionInfo(BaseModel):
    id: str
    number: int = Field(
        description="Its tab number, kept for its life: closing another never renumbers it."
    )
    pid: int
    shell: str
    cwd: str
    rows: int
    cols: int
    created_at: str
    status: Literal["running", "exited"]
    exit_code: int | None
    attached: bool
    scrollback_bytes: int


class RedactRequest(BaseModel):
    text: str = Field(max_length=1024 * 1024)


class RedactResult(BaseModel):
    text: str
