"""What a run needs before it starts: checked inputs, command cards, agent roles, services."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Engine

from ..commands.cards import get_card
from ..errors import NotFound, ValidationFailed
from ..llm.roles import get_role
from ..settings import Settings
from .graph import FlowGraph
from .nodes.llm import LlmData
from .nodes.shell import ShellData
from .services import AgentRole, CardCommand, StepServices


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


def _cards(graph: FlowGraph, db: Engine, issues: list[dict[str, Any]]) -> dict[str, CardCommand]:
    cards: dict[str, CardCommand] = {}
    for node_id, data in graph.data.items():
        if isinstance(data, ShellData) and data.card_id is not None:
            try:
                card = get_card(db, data.card_id)
            except NotFound:
                issues.append(
                    {
                        "node_id": node_id,
                        "field": "card_id",
                        "message": f"command card {data.card_id} does not exist",
                    }
                )
                continue
            cards[node_id] = CardCommand(
                command=card.command,
                shell=card.shell,
                cwd=card.cwd,
                variables=tuple(card.variables),
            )
    return cards


def _roles(graph: FlowGraph, db: Engine, issues: list[dict[str, Any]]) -> dict[str, AgentRole]:
    wanted = {
        (node_id, data.agent_role)
        for node_id, data in graph.data.items()
        if isinstance(data, LlmData) and data.agent_role
    }
    if not wanted:
        return {}
    roles: dict[str, AgentRole] = {}
    for node_id, name in sorted(wanted):
        role = roles.get(name) or get_role(db, name)
        if role is None:
            issues.append(
                {"node_id": node_id, "field": "agent_role", "message": f"no agent role {name!r}"}
            )
        else:
            roles[name] = role
    return roles


def resolve_services(
    graph: FlowGraph, db: Engine, settings: Settings, state: Any
) -> tuple[StepServices, dict[str, CardCommand]]:
    """Blocking (runs in a thread): look up cards and roles; 422 naming the node if missing."""
    issues: list[dict[str, Any]] = []
    cards = _cards(graph, db, issues)
    roles = _roles(graph, db, issues)
    if issues:
        raise _fail(issues)
    services = StepServices(
        engine=db,
        settings=settings,
        gateway=getattr(state, "gateway", None),
        secrets=getattr(state, "secrets", None),
        roles=roles,
    )
    return services, cards
