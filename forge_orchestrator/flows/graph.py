"""Validates a definition into an immutable FlowGraph, or lists every problem by node and field."""

from __future__ import annotations

import graphlib
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from pydantic import ValidationError

from ..errors import ValidationFailed
from .definition import NODE_ID_PATTERN, EdgeSpec, FlowDefinition, NodeSpec
from .nodes import registry
from .nodes.base import NodeData, NodeType
from .templates import TemplateError, scan

_NODE_ID = re.compile(NODE_ID_PATTERN)


@dataclass(frozen=True)
class Issue:
    """One validation problem; node_id is None for flow-level problems."""

    node_id: str | None
    field: str
    message: str

    def as_dict(self) -> dict[str, str | None]:
        return {"node_id": self.node_id, "field": self.field, "message": self.message}


@dataclass(frozen=True)
class FlowGraph:
    """A validated definition with the lookups the engine needs; never mutated."""

    definition: FlowDefinition
    order: tuple[str, ...]
    nodes: Mapping[str, NodeSpec]
    data: Mapping[str, NodeData]
    incoming: Mapping[str, tuple[EdgeSpec, ...]]
    outgoing: Mapping[str, tuple[EdgeSpec, ...]]
    _ancestors: dict[str, frozenset[str]] = field(default_factory=dict, compare=False, repr=False)

    def parents(self, node_id: str) -> list[str]:
        return list(dict.fromkeys(e.source for e in self.incoming[node_id]))

    def ancestors(self, node_id: str) -> frozenset[str]:
        """Every node upstream of node_id, computed on demand (most nodes never need it)."""
        cached = self._ancestors.get(node_id)
        if cached is None:
            seen: set[str] = set()
            stack = self.parents(node_id)
            while stack:
                n = stack.pop()
                if n not in seen:
                    seen.add(n)
                    stack.extend(self.parents(n))
            cached = self._ancestors[node_id] = frozenset(seen)
        return cached

    def label(self, node_id: str) -> str:
        return self.data[node_id].label or node_id

    def kind(self, node_id: str) -> NodeType[Any]:
        """The node's type (its schema, checks and execution)."""
        return registry.get(self.nodes[node_id].type)


def _pydantic_issues(
    exc: ValidationError, node_id: str | None, prefix: str = ""
) -> Iterator[Issue]:
    for err in exc.errors():
        loc = ".".join(str(p) for p in err["loc"])
        msg = str(err["msg"]).removeprefix("Value error, ")
        yield Issue(node_id, prefix + loc if loc else prefix.rstrip(".") or "data", msg)


def _structure_issues(raw: Any, exc: ValidationError) -> Iterator[Issue]:
    raw_nodes = raw.get("nodes") if isinstance(raw, dict) else None
    for err in exc.errors():
        loc = list(err["loc"])
        node_id: str | None = None
        if len(loc) >= 2 and loc[0] == "nodes" and isinstance(loc[1], int):
            item = raw_nodes[loc[1]] if isinstance(raw_nodes, list) else None
            node_id = str(item.get("id")) if isinstance(item, dict) and "id" in item else None
            where = ".".join(str(p) for p in loc[2:]) or "node"
        else:
            where = ".".join(str(p) for p in loc) or "definition"
        yield Issue(node_id, where, str(err["msg"]).removeprefix("Value error, "))


class _Checker:
    def __init__(self, definition: FlowDefinition) -> None:
        self.d = definition
        self.issues: list[Issue] = []
        self.data: dict[str, NodeData] = {}

    def add(self, node_id: str | None, where: str, message: str) -> None:
        self.issues.append(Issue(node_id, where, message))

    def nodes(self) -> dict[str, NodeSpec]:
        by_id: dict[str, NodeSpec] = {}
        for node in self.d.nodes:
            if not _NODE_ID.match(node.id):
                self.add(
                    node.id, "id", "ids start with a letter or _, then letters, digits, _ or -"
                )
            if node.id in by_id:
                self.add(node.id, "id", f"duplicate node id {node.id!r}")
                continue
            by_id[node.id] = node
            kind = registry.get(node.type)
            try:
                self.data[node.id] = kind.parse(node.data)
            except ValidationError as exc:
                for issue in _pydantic_issues(exc, node.id):
                    # A model-level rule (command vs card) has no loc; say which field to fill.
                    fix = kind.model_error_field if issue.field == "data" else None
                    self.issues.append(Issue(node.id, fix or issue.field, issue.message))
        return by_id

    def edges(self, by_id: Mapping[str, NodeSpec]) -> list[EdgeSpec]:
        seen: set[str] = set()
        good: list[EdgeSpec] = []
        for edge in self.d.edges:
            if edge.id in seen:
                self.add(None, f"edges.{edge.id}", f"duplicate edge id {edge.id!r}")
            seen.add(edge.id)
            ok = True
            for end in ("source", "target"):
                ref = getattr(edge, end)
                if ref not in by_id:
                    self.add(None, f"edges.{edge.id}.{end}", f"edge {end} {ref!r} is not a node")
                    ok = False
            if ok and registry.get(by_id[edge.source].type).branches and edge.branch is None:
                self.add(edge.source, "edges", f"edge to {edge.target} needs a true/false branch")
            if ok:
                good.append(edge)
        names = [i.name for i in self.d.settings.inputs]
        for name in {n for n in names if names.count(n) > 1}:
            self.add(None, "settings.inputs", f"input {name!r} is declared twice")
        return good

    def references(self, graph: FlowGraph) -> None:
        declared = {i.name for i in self.d.settings.inputs}
        for node_id, node in graph.nodes.items():
            data = graph.data.get(node_id)
            if data is None:
                continue
            kind = registry.get(node.type)
            for where, text in kind.templates(data):
                for ref in scan(text):
                    if isinstance(ref, TemplateError):
                        self.add(node_id, where, str(ref))
                    elif ref.kind == "input" and ref.name not in declared:
                        self.add(node_id, where, f"inputs.{ref.name} is not a declared input")
                    elif ref.kind == "node":
                        self._upstream(graph, node_id, where, ref.name)
            for where, ref_id in kind.upstream_refs(data):
                self._upstream(graph, node_id, where, ref_id)
            for where, message in kind.check(data):
                self.add(node_id, where, message)

    def _upstream(self, graph: FlowGraph, node_id: str, where: str, ref: str) -> None:
        if ref not in graph.nodes:
            self.add(node_id, where, f"there is no node {ref!r}")
        elif ref not in graph.ancestors(node_id):
            self.add(
                node_id, where, f"node {ref!r} is not upstream of {node_id!r}; connect it first"
            )


def check_definition(raw: Any) -> tuple[FlowGraph | None, list[Issue]]:
    """Validate without raising: the graph (when valid) and every issue found."""
    try:
        definition = raw if isinstance(raw, FlowDefinition) else FlowDefinition.model_validate(raw)
    except ValidationError as exc:
        return None, list(_structure_issues(raw, exc))
    checker = _Checker(definition)
    by_id = checker.nodes()
    edges = checker.edges(by_id)
    incoming: dict[str, list[EdgeSpec]] = {n: [] for n in by_id}
    outgoing: dict[str, list[EdgeSpec]] = {n: [] for n in by_id}
    sorter: graphlib.TopologicalSorter[str] = graphlib.TopologicalSorter()
    for n in by_id:
        sorter.add(n)
    for e in edges:
        incoming[e.target].append(e)
        outgoing[e.source].append(e)
        sorter.add(e.target, e.source)
    try:
        order = tuple(sorter.static_order())
    except graphlib.CycleError as exc:
        cycle: list[str] = list(exc.args[1])
        text = " → ".join(cycle)
        for n in dict.fromkeys(cycle):
            checker.add(n, "edges", f"part of a cycle: {text}")
        return None, checker.issues
    graph = FlowGraph(
        definition=definition,
        order=order,
        nodes=MappingProxyType(by_id),
        data=MappingProxyType(checker.data),
        incoming=MappingProxyType({k: tuple(v) for k, v in incoming.items()}),
        outgoing=MappingProxyType({k: tuple(v) for k, v in outgoing.items()}),
    )
    checker.references(graph)
    return (None if checker.issues else graph), checker.issues


def compile_flow(raw: Any) -> FlowGraph:
    """The validated graph, or ValidationFailed (422) whose details list node, field, message."""
    graph, issues = check_definition(raw)
    if graph is None:
        first = issues[0]
        where = f"node {first.node_id}, " if first.node_id else ""
        raise ValidationFailed(
            f"The flow is not valid: {where}{first.field}: {first.message}"
            + (f" (and {len(issues) - 1} more)" if len(issues) > 1 else ""),
            details=[i.as_dict() for i in issues],
        )
    return graph
