"""The optimizer's access to agent roles' default model, in the caller's transaction."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection

from ..errors import NotFound
from ..llm import roles


def _role(conn: Connection, name: str) -> roles.Role:
    found = roles.role_in(conn, name)
    if found is None:
        raise NotFound(f"No agent role {name!r}")
    return found


def current_model(conn: Connection, name: str) -> str | None:
    return _role(conn, name).default_model


def set_model(conn: Connection, name: str, model: str | None) -> dict[str, Any]:
    """Set the role's default model; returns what restores the role as it was. The caller
    forgets the remembered roles once the write has committed (``roles.forgetting``)."""
    role = _role(conn, name)
    # An untouched built-in has no row yet: undo deletes the row again to restore it exactly.
    was_stored = not role.builtin or role.customized
    edit = roles.RoleInput(
        description=role.description, system_prompt=role.system_prompt, default_model=model
    )
    roles.update_role(conn, name, edit)
    return {"default_model": role.default_model, "was_stored": was_stored}


def restore(conn: Connection, name: str, undo: dict[str, Any]) -> None:
    if undo.get("was_stored", True):
        set_model(conn, name, undo.get("default_model"))
    else:
        roles.delete_role(conn, name)
