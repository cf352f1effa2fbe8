"""Shapes of optimizer suggestions, their targets and exact changes, and applied actions."""

from __future__ import annotations

import hashlib
import json
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

Kind = Literal["cheaper_model", "repeated_prompt", "long_prompt", "failure_rate", "max_tokens"]
SuggestionStatus = Literal["open", "applied", "dismissed"]


class Suggestion(BaseModel):
    # A response always carries its defaulted fields: the OpenAPI says so (required).
    model_config = ConfigDict(json_schema_serialization_defaults_required=True)

    id: str
    kind: Kind
    title: str
    explanation: str
    figures: dict[str, Any]
    monthly_savings_usd: float
    target: dict[str, Any]
    change: dict[str, Any]
    applicable: bool
    status: SuggestionStatus = "open"
    action_id: int | None = None


class SuggestionList(BaseModel):
    window_days: int
    since: str
    suggestions: list[Suggestion]


class Action(BaseModel):
    model_config = ConfigDict(json_schema_serialization_defaults_required=True)

    id: int
    suggestion_id: str
    action: Literal["apply", "dismiss"]
    kind: str | None
    title: str | None
    target: dict[str, Any] | None
    change: dict[str, Any] | None
    created_at: str
    undone_at: str | None
    result: dict[str, Any] | None = None


class ActionList(BaseModel):
    actions: list[Action]


def suggestion_id(kind: str, target: dict[str, Any]) -> str:
    """Stable across requests: the same kind and target always give the same id."""
    raw = json.dumps({"kind": kind, "target": target}, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(raw.encode()).hexdigest()[:16]


def unit_target(flow_id: str | None, node_id: str | None, role: str | None) -> dict[str, Any]:
    """Where a ledger row's usage belongs: a flow node when it has one, else its agent role."""
    if flow_id and node_id:
        return {"type": "flow_node", "flow_id": flow_id, "node_id": node_id}
    return {"type": "agent_role", "role": role}


def describe(target: dict[str, Any]) -> str:
    if target["type"] == "flow_node":
        return f"node {target['node_id']} of flow {target['flow_id']}"
    if target["type"] == "command_card":
        return f"command card #{target['card_id']}"
    return f"the {target['role']} role"
