"""U+0000 in any text is refused at the edge (422 before anything runs), on every backend alike;
a provider's reply that carries it is stored with U+FFFD in its place.

PostgreSQL's text type cannot hold NUL, so a card name, flow name, role prompt or import with it
was a 500 there (and in the Architect the provider was already called and billed)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient

from forge_orchestrator.llm.types import LLMResult, TextDelta
from forge_orchestrator.pricing.usage import Usage
from forge_orchestrator.request_limits import has_nul
from tests.conftest import assert_error_shape


def post_raw(client: TestClient, method: str, url: str, body: Any) -> Any:
    return client.request(
        method, url, content=json.dumps(body), headers={"content-type": "application/json"}
    )


@pytest.mark.parametrize(
    ("method", "url", "body"),
    [
        ("POST", "/api/commands", {"name": "a\x00b", "command": "echo hi"}),
        ("POST", "/api/flows", {"name": "n\x00", "data": {"nodes": [], "edges": []}}),
        ("POST", "/api/roles", {"name": "r", "description": "", "system_prompt": "x\x00"}),
        ("POST", "/api/architect/generate", {"prompt": "list files\x00"}),
    ],
)
def test_nul_in_a_body_is_refused_before_anything_runs(
    client: TestClient, method: str, url: str, body: dict[str, Any]
) -> None:
    res = post_raw(client, method, url, body)
    assert res.status_code == 422, res.text
    assert_error_shape(res.json(), "text_has_nul")
    assert client.get("/api/commands").json() == []
    assert client.get("/api/flows").json() == []
    assert client.get("/api/ledger").json()["items"] == []  # no provider was called


def test_nul_in_a_query_is_refused(client: TestClient) -> None:
    res = client.get("/api/ledger?model=gpt%00")
    assert res.status_code == 422
    assert_error_shape(res.json(), "text_has_nul")


def test_the_text_backslash_u0000_is_not_nul(client: TestClient) -> None:
    res = post_raw(client, "POST", "/api/commands", {"name": "\\u0000", "command": "echo hi"})
    assert res.status_code == 201, res.text
    assert res.json()["name"] == "\\u0000"


@pytest.mark.parametrize(
    ("body", "nul"),
    [
        (b'{"a":"x\\u0000"}', True),
        (b'{"a":"x\\\\u0000"}', False),  # a backslash, then the text u0000
        (b'{"a":"x\\\\\\u0000"}', True),  # a backslash, then NUL
        (b'{"a":"u0000"}', False),
    ],
)
def test_has_nul_reads_json_escapes_as_json_does(body: bytes, nul: bool) -> None:
    assert has_nul(body) is nul
    assert ("\x00" in json.loads(body)["a"]) is nul


def test_a_reply_with_nul_is_stored_with_a_replacement_character() -> None:
    usage = Usage(input_tokens=1, output_tokens=1)
    result = LLMResult(
        text="ls\x00-la",
        provider="openai",
        model="m",
        usage=usage,
        cost_usd=None,
        latency_ms=1,
        ledger_id=1,
        usage_source="provider",
        request_id=None,
    )
    assert result.text == "ls\ufffd-la"
    assert TextDelta(text="\x00").text == "\ufffd"
