"""What a run needs before it starts: checked inputs, and what its steps refer to (cards, roles)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Engine

from ..errors import ValidationFailed
from ..settings import Settings
from .graph import FlowGraph
from .nodes.base import Lookups
from .services import CardCommand, StepServices


def _fail(issues: list[dict[str, Any]]) -> ValidationFailed:
    first = issues[0]
    return ValidationFailed(f"{first['field']}: {first['message']}", details=issues)


def resolve_inputs(graph: FlowGraph, given: Mapping[str, str]) -> dict[str, str]:
    """The run's inputs: declared ones only, defaults filled in, required ones present."""
    declared = {i.name: i for i in graph.definition.settings.inputs}
    issues: list[dict[str, Any]] = [
        {"node_id": None, "field": f"inputs.{name}", "message": "not an input of this flow"}
        for name in given
        if name not in declared
    ]
    out: dict[str, str] = {}
    for name, spec in declared.items():
        value = given.get(name)
        if value is None or (value == "" and spec.required):
            value = spec.default
        if value is None or (value == "" and spec.required):
            if spec.required:
                issues.append({"node_id": None, "field": f"inputs.{name}", "message": "required"})
                continue
            value = ""
        out[name] = value
    if issues:
        raise _fail(issues)
    return out


def resolve_services(
    graph: FlowGraph, db: Engine, settings: Settings, state: Any
) -> tuple[StepServices, dict[str, CardCommand]]:
    """Blocking (runs in a thread): look up cards and roles; 422 naming the node if missing."""
    found = Lookups()
    issues: list[dict[str, Any]] = [
        {"node_id": node_id, "field": where, "message": message}
        for node_id, data in graph.data.items()
        for where, message in graph.kind(node_id).resolve(db, node_id, data, found)
    ]
    if issues:
        raise _fail(issues)
    services = StepServices(
        engine=db,
        settings=settings,
        gateway=getattr(state, "gateway", None),
        secrets=getattr(state, "secrets", None),
        roles=found.roles,
    )
    return services, found.cards
