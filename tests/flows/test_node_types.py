"""Node types come from one registry: the API lists them with forms that match their schemas."""

from __future__ import annotations

import asyncio

import pytest
from fastapi.testclient import TestClient
from pydantic import Field

from forge_orchestrator.flows.graph import check_definition
from forge_orchestrator.flows.nodes import registry
from forge_orchestrator.flows.nodes.base import FormField, NodeData, NodeType, StepContext
from forge_orchestrator.flows.records import NodeRecord
from forge_orchestrator.flows.templates import NodeValues, render

from .helpers import by_id, edge, flow, node, run_flow, shell


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
def test_every_form_field_is_a_field_of_the_types_schema(kind: NodeType[NodeData]) -> None:
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


class EchoData(NodeData):
    text: str = Field(min_length=1)


class EchoNode(NodeType[EchoData]):
    """A node type that lives only in this test: one class and one registry entry."""

    name = "echo"
    data_model = EchoData
    label = "Echo"
    description = "Repeat a text"
    template_fields = ("text",)
    fields = (FormField(name="text", kind="template", label="Text"),)

    async def execute(
        self,
        ctx: StepContext,
        node_id: str,
        data: EchoData,
        rec: NodeRecord,
        values: dict[str, NodeValues],
        cancel: asyncio.Event,
    ) -> bool:
        rec.output = render(data.text, values, ctx.run.inputs)
        return True


def test_a_new_node_type_needs_only_its_module_and_a_registry_entry(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(registry._TYPES, "echo", EchoNode())
    assert "echo" in [t["type"] for t in client.get("/api/flows/node-types").json()]
    data = flow(
        [shell("a", "echo hi"), node("b", "echo", text="said {{ nodes.a.output }}")],
        [edge("a", "b")],
    )
    run = run_flow(client, data)
    assert run["status"] == "succeeded", run
    assert by_id(run)["b"]["output"] == "said hi"
    issues = client.post("/api/flows/validate", json={"data": flow([node("c", "echo")], [])})
    assert issues.json()["issues"][0]["field"] == "text"
