"""Applies a suggestion's change to its real target (flow node, role, card) and reverts it, in the
caller's transaction."""

from __future__ import annotations

import copy
from typing import Any

from sqlalchemy import Connection

from ..commands.cards import get_card, update_card
from ..commands.models import CardUpdate
from ..errors import AppError, NotFound, ValidationFailed
from ..flows.store import get_flow, save_flow
from . import roles_bridge
from .models import Suggestion

_MISSING = "__absent__"


def _node(data: dict[str, Any], node_id: str) -> dict[str, Any] | None:
    for node in data.get("nodes", []):
        if node.get("id") == node_id:
            return node  # type: ignore[no-any-return]
    return None


def _flow_id(target: dict[str, Any]) -> int:
    try:
        return int(target["flow_id"])
    except (TypeError, ValueError) as exc:
        raise NotFound(f"Flow {target['flow_id']!r} is not a stored flow") from exc


def _llm_node(conn: Connection, target: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
    flow = get_flow(conn, _flow_id(target))
    node = _node(flow.data, target["node_id"])
    if node is None or node.get("type") != "llm":
        raise NotFound(f"Flow {flow.id} has no LLM step {target['node_id']!r} any more")
    return flow, node


def annotate(conn: Connection, s: Suggestion) -> None:
    """Fill the change's current ("from") values and say whether it can be applied now."""
    op = s.change.get("op")
    try:
        if op == "set_node_fields":
            _, node = _llm_node(conn, s.target)
            data = node.get("data") or {}
            s.change["from"] = {k: data.get(k) for k in s.change["fields"]}
            if all(data.get(k) == v for k, v in s.change["fields"].items()):
                s.applicable = False
                s.change["note"] = "The step already has these settings."
        elif op == "set_role_model":
            # A role without its own model ran on the provider's default: the ledger's model.
            current = roles_bridge.current_model(conn, s.target["role"])
            s.change["from"] = current or s.change.get("from")
            if current == s.change["default_model"]:
                s.applicable = False
                s.change["note"] = "The role already uses this model."
        elif op == "update_card":
            card = get_card(conn, int(s.target["card_id"]))
            s.change["from"] = {"tags": list(card.tags)}
    except AppError as exc:
        s.applicable = False
        s.change["note"] = exc.message


def apply_change(conn: Connection, s: Suggestion) -> dict[str, Any]:
    """Make the change for real; returns what undo needs."""
    op = s.change.get("op")
    if op == "set_node_fields":
        return _set_node_fields(conn, s.target, s.change["fields"], f"Optimizer: {s.title}")
    if op == "set_role_model":
        old = roles_bridge.set_model(conn, s.target["role"], s.change["default_model"])
        return {"type": "agent_role", "role": s.target["role"], **old}
    if op == "update_card":
        card_id = int(s.target["card_id"])
        old_tags = list(get_card(conn, card_id).tags)
        update_card(conn, card_id, CardUpdate(tags=s.change["fields"]["tags"]))
        return {"type": "command_card", "card_id": card_id, "fields": {"tags": old_tags}}
    raise ValidationFailed(f"Suggestion {s.id} has no automatic change")


def _set_node_fields(
    conn: Connection, target: dict[str, Any], fields: dict[str, Any], note: str
) -> dict[str, Any]:
    flow, _ = _llm_node(conn, target)
    data = copy.deepcopy(flow.data)
    node = _node(data, target["node_id"])
    assert node is not None
    node_data = node.setdefault("data", {})
    old = {k: node_data.get(k, _MISSING) for k in fields}
    for key, value in fields.items():
        if value == _MISSING:
            node_data.pop(key, None)
        else:
            node_data[key] = value
    # Fenced on the version read above: a save in between makes this a 409, not a lost edit.
    saved = save_flow(conn, flow.id, data=data, expected_version=flow.version, note=note)
    return {
        "type": "flow_node",
        "flow_id": str(flow.id),
        "node_id": target["node_id"],
        "fields": old,
        "result": {"flow_id": flow.id, "flow_version": saved.version},
    }


def revert(conn: Connection, undo: dict[str, Any]) -> None:
    kind = undo.get("type")
    if kind == "flow_node":
        _set_node_fields(conn, undo, undo["fields"], "Optimizer: undo")
    elif kind == "agent_role":
        roles_bridge.restore(conn, undo["role"], undo)
    elif kind == "command_card":
        update_card(conn, int(undo["card_id"]), CardUpdate(tags=undo["fields"]["tags"]))
