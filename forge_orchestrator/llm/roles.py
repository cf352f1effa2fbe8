"""Agent roles: built-in system prompts plus custom roles (and built-in edits) in agent_roles."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from pydantic import BaseModel, Field, field_validator
from sqlalchemy import URL, Connection, Engine, delete, insert, select, update

from ..db.service import Database
from ..db.tables import agent_roles
from ..db.utils import UtcDateTime, utcnow
from ..errors import Conflict, NotFound
from ..memory import Remembered

T = TypeVar("T")

ROLE_NAME = r"^[a-z][a-z0-9_-]{0,99}$"
ROLE_NAME_RULE = "Use lowercase letters, digits, - or _, starting with a letter (e.g. doc-writer)."

BUILTINS: dict[str, tuple[str, str]] = {
    "architect": (
        "Turns a request in plain words into one shell command, explained.",
        "You are the Architect, a senior developer who turns a request in plain words into a "
        "single, correct shell command for the user's shell and operating system. Prefer "
        "standard, widely installed tools; never invent flags. Prefer safe, reversible commands; "
        "when a destructive step is unavoidable, say so plainly. Explain each part of the "
        "command briefly and list the assumptions you made.",
    ),
    "planner": (
        "Breaks a goal into small, ordered, verifiable steps.",
        "You are the Planner. Break the goal into a short ordered list of small steps, each with "
        "a clear outcome that can be checked. Name dependencies between steps, call out risks "
        "and unknowns, and do not write the implementation.",
    ),
    "implementer": (
        "Writes the change a plan step asks for.",
        "You are the Implementer. Make exactly the change the step asks for, in the style of the "
        "surrounding code. Keep it minimal, complete and runnable; no placeholders. State any "
        "assumption you had to make.",
    ),
    "tester": (
        "Designs and writes tests that catch real failures.",
        "You are the Tester. Write focused tests for the behaviour described: the main path, "
        "edge cases and failure modes a user would notice. Each test must be able to fail; "
        "explain what each one protects against.",
    ),
    "reviewer": (
        "Reviews a change for bugs, risks and clarity.",
        "You are the Reviewer. Read the change critically: correctness first, then security, "
        "error handling, performance and readability. Report concrete findings with the line or "
        "part they concern and a suggested fix, most important first. Say so when it is good.",
    ),
    "optimizer": (
        "Reduces token spend and latency without losing quality.",
        "You are the Optimizer. Given prompts, flows and their token ledger figures, propose "
        "concrete changes that cut cost or latency while keeping results as good: shorter "
        "prompts, cheaper models for simple steps, caching, fewer round trips. Estimate the "
        "saving of each proposal.",
    ),
}


class RoleInput(BaseModel):
    description: str = Field("", max_length=2000)
    system_prompt: str = Field(min_length=1, max_length=50_000)
    default_model: str | None = Field(None, max_length=200)


class RoleCreate(RoleInput):
    name: str = Field(json_schema_extra={"pattern": ROLE_NAME}, description=ROLE_NAME_RULE)

    @field_validator("name")
    @classmethod
    def _valid_name(cls, value: str) -> str:
        # The rule in words, not the regular expression pydantic would quote.
        if not re.fullmatch(ROLE_NAME, value):
            raise ValueError(ROLE_NAME_RULE)
        return value


class Role(BaseModel):
    name: str
    description: str
    system_prompt: str
    default_model: str | None
    builtin: bool
    customized: bool = Field(description="a built-in whose prompt the user has edited")
    created_at: UtcDateTime | None
    updated_at: UtcDateTime | None


def _builtin(name: str) -> Role:
    description, prompt = BUILTINS[name]
    return Role(
        name=name,
        description=description,
        system_prompt=prompt,
        default_model=None,
        builtin=True,
        customized=False,
        created_at=None,
        updated_at=None,
    )


def _from_row(row: Any) -> Role:
    return Role(
        name=row.name,
        description=row.description,
        system_prompt=row.system_prompt,
        default_model=row.default_model,
        builtin=row.name in BUILTINS,
        customized=row.name in BUILTINS,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def stored_role(conn: Connection, name: str) -> Role | None:
    row = conn.execute(select(agent_roles).where(agent_roles.c.name == name)).first()
    return _from_row(row) if row is not None else None


def role_in(conn: Connection, name: str) -> Role | None:
    """The role by name: a stored row (custom, or an edited built-in) wins over the default."""
    stored = stored_role(conn, name)
    if stored is not None:
        return stored
    return _builtin(name) if name in BUILTINS else None


def get_role(engine: Engine, name: str) -> Role | None:
    """:func:`role_in` on a connection of its own, for synchronous code outside the app (tests);
    the app reads roles through the database service (:func:`find_role`, ``db.read``)."""
    with engine.connect() as conn:
        return role_in(conn, name)


# The Architect reads its persona on every call; role writes below forget it at once.
_REMEMBERED: Remembered[tuple[URL, str], Role | None] = Remembered()


async def find_role(db: Database, name: str) -> Role | None:
    """:func:`get_role` for async callers: from memory when fresh, else one small read."""
    key = (db.engine.url, name)
    known, role = _REMEMBERED.recall(key)
    if known:
        return role
    generation = _REMEMBERED.generation
    role = await db.read(lambda conn: role_in(conn, name))
    _REMEMBERED.keep(key, role, generation)
    return role


def list_roles(conn: Connection) -> list[Role]:
    rows = {r.name: _from_row(r) for r in conn.execute(select(agent_roles))}
    builtins = [rows.pop(n) if n in rows else _builtin(n) for n in BUILTINS]
    return builtins + sorted(rows.values(), key=lambda r: r.name)


def create_role(conn: Connection, data: RoleCreate) -> Role:
    if data.name in BUILTINS:
        raise Conflict(f"'{data.name}' is a built-in role; edit it instead of creating it.")
    now = utcnow()
    exists = conn.execute(select(agent_roles.c.id).where(agent_roles.c.name == data.name))
    if exists.first() is not None:
        raise Conflict(f"A role named '{data.name}' already exists.")
    conn.execute(insert(agent_roles).values(**data.model_dump(), created_at=now, updated_at=now))
    role = stored_role(conn, data.name)
    assert role is not None
    return role


def update_role(conn: Connection, name: str, data: RoleInput) -> Role:
    """Edit a custom role, or customise a built-in (stored as a row that overrides it)."""
    now = utcnow()
    values = data.model_dump()
    found = conn.execute(select(agent_roles.c.id).where(agent_roles.c.name == name)).first()
    if found is not None:
        conn.execute(
            update(agent_roles).where(agent_roles.c.name == name).values(**values, updated_at=now)
        )
    elif name in BUILTINS:
        conn.execute(
            insert(agent_roles).values(name=name, **values, created_at=now, updated_at=now)
        )
    else:
        raise NotFound(f"No role named '{name}'.")
    role = stored_role(conn, name)
    assert role is not None
    return role


def delete_role(conn: Connection, name: str) -> Role | None:
    """Delete a custom role (returns None). For an edited built-in, restore its default prompt
    (returns it); an unedited built-in cannot be deleted."""
    removed = conn.execute(delete(agent_roles).where(agent_roles.c.name == name)).rowcount
    if name in BUILTINS:
        if not removed:
            raise Conflict(f"'{name}' is a built-in role and cannot be deleted.")
        return _builtin(name)
    if not removed:
        raise NotFound(f"No role named '{name}'.")
    return None


@contextmanager
def forgetting() -> Iterator[None]:
    """Around a role write, outermost: the remembered personas are forgotten once it commits."""
    with _REMEMBERED.forgetting():
        yield


async def write(db: Database, fn: Callable[[Connection], T]) -> T:
    """A role write (``create_role``, ``update_role``, ``delete_role``) through the service."""
    with forgetting():
        return await db.write(fn)
