"""What a run needs before it starts: checked inputs, and what its steps refer to (cards, roles)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection, Engine

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


def look_up(graph: FlowGraph, conn: Connection) -> Lookups:
    """On a database reader (``db.read``): the cards and roles the steps name; 422 naming the
    node when one is missing."""
    found = Lookups()
    issues: list[dict[str, Any]] = [
        {"node_id": node_id, "field": where, "message": message}
        for node_id, data in graph.data.items()
        for where, message in graph.kind(node_id).resolve(conn, node_id, data, found)
    ]
    if issues:
        raise _fail(issues)
    return found


def step_services(
    found: Lookups, engine: Engine, settings: Settings, state: Any
) -> tuple[StepServices, dict[str, CardCommand]]:
    """What the steps run with: the app's services and what :func:`look_up` found."""
    services = StepServices(
        engine=engine,
        settings=settings,
        gateway=getattr(state, "gateway", None),
        secrets=getattr(state, "secrets", None),
        roles=found.roles,
    )
    return services, found.cards
