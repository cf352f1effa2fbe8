"""The optimizer's access to agent roles' default model, through the gateway's roles store."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine

from ..db.engine import write_tx
from ..errors import NotFound
from ..llm import roles


def _role(engine: Engine, name: str) -> roles.Role:
    found = roles.get_role(engine, name)
    if found is None:
        raise NotFound(f"No agent role {name!r}")
    return found


def current_model(engine: Engine, name: str) -> str | None:
    return _role(engine, name).default_model


def set_model(engine: Engine, name: str, model: str | None) -> dict[str, Any]:
    """Set the role's default model; returns what restores the role as it was."""
    role = _role(engine, name)
    # An untouched built-in has no row yet: undo deletes the row again to restore it exactly.
    was_stored = not role.builtin or role.customized
    edit = roles.RoleInput(
        description=role.description, system_prompt=role.system_prompt, default_model=model
    )
    with roles.forgetting(), write_tx(engine) as conn:
        roles.update_role(conn, name, edit)
    return {"default_model": role.default_model, "was_stored": was_stored}


def restore(engine: Engine, name: str, undo: dict[str, Any]) -> None:
    if undo.get("was_stored", True):
        set_model(engine, name, undo.get("default_model"))
    else:
        with roles.forgetting(), write_tx(engine) as conn:
            roles.delete_role(conn, name)
