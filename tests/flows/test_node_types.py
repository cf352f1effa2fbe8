"""Node types come from one registry: the API lists them with forms that match their schemas."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from forge_orchestrator.flows.graph import check_definition
from forge_orchestrator.flows.nodes import registry

from .helpers import flow, node


def test_the_api_lists_every_registered_type_with_its_form(client: TestClient) -> None:
    r = client.get("/api/flows/node-types")
    assert r.status_code == 200, r.text
    types = {t["type"]: t for t in r.json()}
    assert list(types) == ["shell", "llm", "approval", "condition"]
    shell_type = types["shell"]
    assert shell_type["label"] == "Shell" and shell_type["description"]
    fields = {f["name"]: f for f in shell_type["fields"]}
    assert fields["command"]["kind"] == "template" and fields["command"]["one_of"] == "source"
    assert fields["card_id"]["choice_label"] == "Command card"
    assert types["condition"]["branches"] is True
    assert {o["value"] for o in by_name(types["condition"])["kind"]["options"]} == {
        "exit_code",
        "contains",
        "matches",
        "json",
    }
    assert types["llm"]["defaults"]["max_tokens"] == 1024


def by_name(info: dict[str, object]) -> dict[str, dict[str, object]]:
    fields = info["fields"]
    assert isinstance(fields, list)
    return {f["name"]: f for f in fields}


@pytest.mark.parametrize("kind", list(registry.all_types()), ids=lambda k: k.name)
def test_every_form_field_is_a_field_of_the_types_schema(kind: registry.NodeType) -> None:
    schema = kind.data_model.model_fields
    for f in kind.fields:
        assert f.name in schema, f"{kind.name}: form field {f.name} is not in its schema"
        for other in f.shown_when or {}:
            assert other in schema
    # A new node's defaults must be a valid start: only fields the schema knows.
    assert set(kind.defaults) <= set(schema)


def test_an_unknown_type_is_named_in_the_issue() -> None:
    graph, issues = check_definition(flow([node("x", "teleport")], []))
    assert graph is None
    assert issues[0].node_id == "x" and issues[0].field == "type"
    assert issues[0].message == "Input should be 'shell', 'llm', 'approval' or 'condition'"
