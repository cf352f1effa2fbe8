"""An app wired to the fake LLM provider, plus helpers to read SSE and the stored rows."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from forge_orchestrator.app import create_app
from forge_orchestrator.db.tables import command_cards, token_ledger
from tests.conftest import BASE_URL, TOKEN, make_settings
from tests.fakes.llm_server import FakeLLMServer

GOOD_ANSWER = json.dumps(
    {
        "name": "Largest files",
        "command": "find . -type f -printf '%s %p\\n' | sort -rn | head -n 10",
        "description": "Lists the ten largest files under the current directory.",
        "explanation": [
            {"part": "find . -type f", "meaning": "every regular file below here"},
            {"part": "-printf '%s %p\\n'", "meaning": "size in bytes, then the path"},
            {"part": "sort -rn", "meaning": "numeric sort, biggest first"},
            {"part": "head -n 10", "meaning": "keep the first ten lines"},
        ],
        "assumptions": ["GNU find (for -printf)"],
    }
)
GOOD_COMMAND = "find . -type f -printf '%s %p\\n' | sort -rn | head -n 10"


@pytest.fixture
def llm_app(fake_llm_env: FakeLLMServer, data_dir: Path) -> FastAPI:
    # Built after fake_llm_env so the gateway sees the fake provider's URLs and keys; no retries
    # so a scripted failure is answered at once.
    return create_app(make_settings(data_dir, llm_max_retries=0))


@pytest.fixture
def llm_client(llm_app: FastAPI) -> Iterator[TestClient]:
    headers = {"Authorization": f"Bearer {TOKEN}"}
    with TestClient(llm_app, base_url=BASE_URL, headers=headers) as c:
        yield c


def ledger_row(app: FastAPI, ledger_id: int) -> dict[str, Any] | None:
    with app.state.engine.connect() as conn:
        row = conn.execute(select(token_ledger).where(token_ledger.c.id == ledger_id)).mappings()
        found = row.first()
        return dict(found) if found else None


def ledger_rows(app: FastAPI) -> list[dict[str, Any]]:
    with app.state.engine.connect() as conn:
        return [dict(r) for r in conn.execute(select(token_ledger)).mappings()]


def card_rows(app: FastAPI) -> list[dict[str, Any]]:
    with app.state.engine.connect() as conn:
        return [dict(r) for r in conn.execute(select(command_cards)).mappings()]


def read_sse(lines: Iterator[str]) -> list[tuple[str, Any]]:
    """(event, parsed data) pairs of an SSE body; comments (pings) are skipped."""
    events: list[tuple[str, Any]] = []
    name, data = "message", []
    for line in lines:
        if line == "":
            if data:
                events.append((name, json.loads("\n".join(data))))
            name, data = "message", []
        elif line.startswith(":"):
            continue
        elif line.startswith("event:"):
            name = line[6:].strip()
        elif line.startswith("data:"):
            data.append(line[5:].lstrip())
    if data:
        events.append((name, json.loads("\n".join(data))))
    return events
