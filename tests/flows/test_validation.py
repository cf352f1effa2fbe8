"""Graph validation: every problem is reported with the node and field it belongs to."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from forge_orchestrator.errors import ValidationFailed
from forge_orchestrator.flows.graph import check_definition, compile_flow

from .helpers import edge, flow, node, shell


def issues(data: object) -> list[tuple[str | None, str, str]]:
    graph, found = check_definition(data)
    assert graph is None
    return [(i.node_id, i.field, i.message) for i in found]


def test_cycle_is_rejected_naming_its_nodes() -> None:
    data = flow(
        [shell("a", "true"), shell("b", "true"), shell("c", "true"), shell("d", "true")],
        [edge("a", "b"), edge("b", "c"), edge("c", "d"), edge("d", "b")],
    )
    with pytest.raises(ValidationFailed) as err:
        compile_flow(data)
    assert err.value.status_code == 422
    cyc = [d for d in err.value.details if "cycle" in d["message"]]
    assert {d["node_id"] for d in cyc} == {"b", "c", "d"}
    assert all(d["field"] == "edges" for d in cyc)
    assert (
        "b → c → d → b" in cyc[0]["message"]
        or "c → d → b → c" in cyc[0]["message"]
        or "d → b → c → d" in cyc[0]["message"]
    )


def test_duplicate_ids_and_dangling_edges() -> None:
    found = issues(flow([shell("a", "true"), shell("a", "true")], [edge("a", "ghost")]))
    assert ("a", "id", "duplicate node id 'a'") in found
    assert (None, "edges.a-ghost.target", "edge target 'ghost' is not a node") in found


def test_required_fields_per_type() -> None:
    found = issues(
        flow(
            [
                node("s", "shell"),
                node("l", "llm", max_tokens=0),
                node("c", "condition"),
                node("bad", "shell", command="true", timeout_s=-1),
            ],
            [],
        )
    )
    fields = {(n, f) for n, f, _ in found}
    assert {
        ("s", "command"),
        ("l", "prompt"),
        ("l", "max_tokens"),
        ("c", "source"),
        ("bad", "timeout_s"),
    } <= fields


def test_templates_must_point_upstream_and_at_declared_inputs() -> None:
    data = flow(
        [
            shell("a", "echo {{ inputs.name }} {{ inputs.missing }}"),
            shell("b", "echo {{ nodes.a.output }} {{ nodes.c.output }} {{ nodes.zz.exit_code }}"),
            shell("c", "echo {{ nodes.a.json.x.y }} {{ what.ever }}"),
        ],
        [edge("a", "b"), edge("a", "c")],
        inputs=[{"name": "name"}],
    )
    found = issues(data)
    assert ("a", "command", "inputs.missing is not a declared input") in found
    assert ("b", "command", "node 'c' is not upstream of 'b'; connect it first") in found
    assert ("b", "command", "there is no node 'zz'") in found
    assert any(n == "c" and "unknown template" in m for n, _, m in found)
    assert len(found) == 4


def test_condition_edges_need_branches_and_sources_upstream() -> None:
    data = flow(
        [
            shell("a", "true"),
            node("c", "condition", source="other", kind="matches", value="("),
            shell("other", "true"),
            shell("d", "true"),
        ],
        [edge("a", "c"), edge("c", "d")],
    )
    found = issues(data)
    assert ("c", "edges", "edge to d needs a true/false branch") in found
    assert ("c", "source", "node 'other' is not upstream of 'c'; connect it first") in found
    assert any(n == "c" and f == "value" and "regular expression" in m for n, f, m in found)


def test_valid_graph_is_immutable_and_ordered() -> None:
    graph = compile_flow(flow([shell("b", "true"), shell("a", "true")], [edge("a", "b")]))
    assert graph.order == ("a", "b")
    with pytest.raises(TypeError):
        graph.nodes["c"] = graph.nodes["a"]  # type: ignore[index]
    with pytest.raises(ValidationError):
        graph.definition.nodes[0].id = "z"  # type: ignore[misc]
    with pytest.raises(ValidationError):
        graph.data["a"].command = "rm -rf /"  # type: ignore[union-attr, misc]


def test_sourcehandle_labels_condition_edges() -> None:
    data = flow(
        [shell("a", "true"), node("c", "condition", source="a", value=0), shell("t", "true")],
        [edge("a", "c"), {"id": "e", "source": "c", "target": "t", "sourceHandle": "true"}],
    )
    graph = compile_flow(data)
    assert graph.outgoing["c"][0].branch == "true"
