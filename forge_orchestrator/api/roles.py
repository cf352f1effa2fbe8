"""Agent roles: list, create, read, edit and delete (built-ins can be edited and reset)."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from ..db.service import app_db
from ..errors import NotFound
from ..llm import roles
from ..llm.roles import Role, RoleCreate, RoleInput

router = APIRouter(tags=["roles"])


@router.get("/roles", response_model=list[Role])
async def list_roles(request: Request) -> list[Role]:
    return await app_db(request.app).read(roles.list_roles)


@router.post("/roles", response_model=Role, status_code=201)
async def create_role(request: Request, body: RoleCreate) -> Role:
    return await roles.write(app_db(request.app), lambda c: roles.create_role(c, body))


@router.get("/roles/{name}", response_model=Role)
async def get_role(request: Request, name: str) -> Role:
    role = await app_db(request.app).read(lambda c: roles.role_in(c, name))
    if role is None:
        raise NotFound(f"No role named '{name}'.")
    return role


@router.put("/roles/{name}", response_model=Role)
async def update_role(request: Request, name: str, body: RoleInput) -> Role:
    return await roles.write(app_db(request.app), lambda c: roles.update_role(c, name, body))


@router.delete(
    "/roles/{name}",
    response_model=None,
    responses={
        200: {"model": Role, "description": "An edited built-in role, restored to its default."},
        204: {"description": "The custom role was deleted."},
    },
)
async def delete_role(request: Request, name: str) -> Role | Response:
    """204 for a custom role; 200 with the restored default for an edited built-in."""
    restored = await roles.write(app_db(request.app), lambda c: roles.delete_role(c, name))
    return Response(status_code=204) if restored is None else restored
