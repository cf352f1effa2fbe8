"""Stored API keys over HTTP: list names with a masked tail, set, delete, test. Never a value."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from ..db.utils import iso
from ..errors import NotFound
from ..keyring.models import MAX_VALUE_CHARS, validate_name
from ..keyring.service import KeyRow, key_providers, key_row, key_rows, test_key
from ..keyring.store import SecretStore

router = APIRouter(tags=["keys"])

Storage = Literal["os-keyring", "encrypted-db"]


class KeyOut(BaseModel):
    name: str
    provider: str | None
    configured: bool
    storage: Storage
    masked: str | None = Field(description="The last 4 characters behind dots; never the value.")
    updated_at: str | None
    problem: str | None = Field(None, description="Why a stored value cannot be read, if so.")
    env_var: str | None = Field(
        None,
        description="The environment variable that supplies this key when none is stored "
        "(e.g. OPENAI_API_KEY), if it is set; its name only, never the value.",
    )


class KeyIn(BaseModel):
    value: str = Field(min_length=1, max_length=MAX_VALUE_CHARS)


class KeyTestOut(BaseModel):
    ok: bool
    provider: str
    models: int


class StorageOut(BaseModel):
    storage: Storage
    label: str
    reason: str
    os_keyring_backend: str
    database: str | None
    cipher: str | None
    master_key: Literal["file", "os-keyring"] | None
    master_key_location: str | None
    master_key_exists: bool
    problem: str | None


def _out(row: KeyRow) -> KeyOut:
    updated = row.updated_at if isinstance(row.updated_at, datetime) else None
    return KeyOut(
        name=row.name,
        provider=row.provider,
        configured=row.configured,
        storage=row.storage,
        masked=row.masked,
        updated_at=iso(updated),
        problem=row.problem,
        env_var=row.env_var,
    )


def _store(request: Request) -> SecretStore:
    store: SecretStore = request.app.state.secrets
    return store


@router.get("/keys", response_model=list[KeyOut])
async def list_keys(request: Request) -> list[KeyOut]:
    providers = await run_in_threadpool(key_providers, request.app.state)
    rows = await run_in_threadpool(key_rows, _store(request), providers)
    return [_out(r) for r in rows]


@router.get("/keys/storage", response_model=StorageOut)
async def key_storage(request: Request) -> StorageOut:
    status = await run_in_threadpool(_store(request).status)
    return StorageOut.model_validate(status, from_attributes=True)


@router.put("/keys/{name}", response_model=KeyOut)
async def set_key(name: str, body: KeyIn, request: Request) -> KeyOut:
    store = _store(request)
    validate_name(name)
    await run_in_threadpool(store.set, name, body.value)
    providers = await run_in_threadpool(key_providers, request.app.state)
    return _out(await run_in_threadpool(key_row, store, providers, name))


@router.delete("/keys/{name}", status_code=204)
async def delete_key(name: str, request: Request) -> Response:
    if not await run_in_threadpool(_store(request).delete, name):
        raise NotFound(f"No key named '{name}' is stored.")
    return Response(status_code=204)


@router.post("/keys/{name}/test", response_model=KeyTestOut)
async def test_stored_key(name: str, request: Request) -> KeyTestOut:
    state = request.app.state
    providers = await run_in_threadpool(key_providers, state)
    provider, count = await test_key(
        _store(request), getattr(state, "gateway", None), providers, name
    )
    return KeyTestOut(ok=True, provider=provider, models=count)
