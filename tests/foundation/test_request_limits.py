"""JSON nested too deep is refused at the edge: 422 in the error shape, nothing stored, reads stay 200."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient

from forge_orchestrator.commands.cards import EXPLANATION_MAX_DEPTH, card_values, insert_card
from forge_orchestrator.commands.models import CardCreate
from forge_orchestrator.db.engine import write_tx
from forge_orchestrator.request_limits import MAX_JSON_DEPTH, deeper_than
from tests.conftest import assert_error_shape

CARD = {"name": "deep", "command": "echo hi"}


def nested(levels: int) -> Any:
    """``levels`` arrays inside each other, around one object at the bottom."""
    value: Any = {"leaf": True}
    for _ in range(levels - 1):
        value = [value]
    return value


def post_raw(client: TestClient, method: str, url: str, body: Any) -> Any:
    # json.dumps itself, so the client library's own encoder is not what is tested.
    text = json.dumps(body)
    return client.request(method, url, content=text, headers={"content-type": "application/json"})


def assert_refused(res: Any) -> None:
    assert res.status_code == 422, res.text
    assert_error_shape(res.json(), "json_too_deep")
    assert res.json()["error"]["details"] == {"max_depth": MAX_JSON_DEPTH}


def assert_reads_still_work(client: TestClient) -> list[dict[str, Any]]:
    listed = client.get("/api/commands")
    assert listed.status_code == 200, listed.text
    assert client.get("/api/commands/export").status_code == 200
    assert client.get("/api/flows").status_code == 200
    return list(listed.json())


def test_depth_counts_arrays_and_objects_but_not_brackets_in_strings() -> None:
    def depth_over(text: str) -> bool:
        return deeper_than(text.encode(), 3)

    assert not depth_over('{"a": [[1]]}')
    assert depth_over('{"a": [[[1]]]}')
    assert not depth_over('{"a": "[[[[[[{{{{"}')
    assert not depth_over(r'{"a": "\"[[[[", "b": [["\\", "]]]]]"]]}')
    assert depth_over(r'["\\", [[["x"]]]]')
    assert depth_over("[" * 100_000)  # unbalanced, as in a truncated upload
    assert not depth_over("[]" * 100_000)  # wide is fine, only depth counts
    for levels in (MAX_JSON_DEPTH, MAX_JSON_DEPTH + 1, 500):
        body = json.dumps(nested(levels)).encode()
        assert deeper_than(body, MAX_JSON_DEPTH) is (levels > MAX_JSON_DEPTH)


def test_a_card_nested_500_deep_is_refused_and_nothing_is_stored(client: TestClient) -> None:
    assert_refused(post_raw(client, "POST", "/api/commands", {**CARD, "explanation": nested(500)}))
    bundle = {"cards": [CARD, {**CARD, "explanation": nested(500)}]}
    assert_refused(post_raw(client, "POST", "/api/commands/import", bundle))
    assert assert_reads_still_work(client) == []


def test_updates_nested_too_deep_are_refused_and_change_nothing(client: TestClient) -> None:
    card = client.post("/api/commands", json=CARD).json()
    assert_refused(post_raw(client, "PUT", f"/api/commands/{card['id']}", {"tags": nested(500)}))
    flow = client.post("/api/flows", json={"name": "f", "data": {"nodes": [], "edges": []}}).json()
    deep_data = {"nodes": [], "edges": [], "ui": nested(500)}
    update = {"version": flow["version"], "data": deep_data}
    assert_refused(post_raw(client, "PUT", f"/api/flows/{flow['id']}", update))
    [stored] = assert_reads_still_work(client)
    assert stored["tags"] == [] and stored["updated_at"] == card["updated_at"]
    assert client.get(f"/api/flows/{flow['id']}").json()["version"] == flow["version"]


@pytest.mark.parametrize("url", ["/api/flows", "/api/flows/import"])
def test_a_flow_nested_500_deep_is_refused(client: TestClient, url: str) -> None:
    data = {"nodes": [], "edges": [], "ui": nested(500)}
    assert_refused(post_raw(client, "POST", url, {"name": "deep", "data": data}))
    assert client.get("/api/flows").json() == []


def test_the_deepest_accepted_explanation_reads_back_and_round_trips(client: TestClient) -> None:
    deepest = nested(EXPLANATION_MAX_DEPTH)
    created = post_raw(client, "POST", "/api/commands", {**CARD, "explanation": deepest})
    assert created.status_code == 201, created.text
    [card] = assert_reads_still_work(client)
    assert card["explanation"] == deepest
    exported = client.get("/api/commands/export").json()
    assert exported["cards"][0]["explanation"] == deepest
    imported = post_raw(client, "POST", "/api/commands/import", exported)
    assert imported.status_code == 201, imported.text
    assert len(assert_reads_still_work(client)) == 2
    deeper = post_raw(client, "POST", "/api/commands", {**CARD, "explanation": [deepest]})
    assert deeper.status_code == 422
    assert_error_shape(deeper.json(), "validation_failed")
    assert "explanation" in deeper.json()["error"]["message"]
    assert len(assert_reads_still_work(client)) == 2


def test_a_card_stored_deep_by_an_older_version_no_longer_breaks_reads(client: TestClient) -> None:
    values = card_values(CardCreate(**CARD))
    values["explanation"] = nested(500)
    engine = client.app.state.engine  # type: ignore[attr-defined]
    with write_tx(engine) as conn:
        card_id = insert_card(conn, values).id
    [card] = assert_reads_still_work(client)
    assert card["id"] == card_id and "not shown" in card["explanation"]["note"]
    assert client.get(f"/api/commands/{card_id}").status_code == 200
    assert client.delete(f"/api/commands/{card_id}").status_code == 204
