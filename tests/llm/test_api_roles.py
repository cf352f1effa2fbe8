"""Agent roles over HTTP: built-ins listed and editable but not deletable; custom CRUD."""

from __future__ import annotations

from fastapi.testclient import TestClient

from forge_orchestrator.llm.roles import get_role
from tests.conftest import assert_error_shape

BUILTINS = ["architect", "planner", "implementer", "tester", "reviewer", "optimizer"]


def test_builtins_are_listed_and_cannot_be_deleted(client: TestClient) -> None:
    roles = client.get("/api/roles").json()
    assert [r["name"] for r in roles] == BUILTINS
    assert all(r["builtin"] and r["system_prompt"] for r in roles)
    resp = client.delete("/api/roles/architect")
    assert resp.status_code == 409
    assert_error_shape(resp.json(), "conflict")


def test_builtin_edit_then_reset(client: TestClient) -> None:
    engine = client.app.state.engine  # type: ignore[attr-defined]
    original = client.get("/api/roles/reviewer").json()["system_prompt"]
    edited = client.put("/api/roles/reviewer", json={"system_prompt": "Be terse."})
    assert edited.status_code == 200 and edited.json()["customized"]
    role = get_role(engine, "reviewer")
    assert role is not None and role.system_prompt == "Be terse."
    reset = client.delete("/api/roles/reviewer")
    assert reset.status_code == 200 and reset.json()["system_prompt"] == original
    assert client.get("/api/roles/reviewer").json()["customized"] is False


def test_custom_role_crud(client: TestClient) -> None:
    body = {"name": "sql-expert", "description": "SQL", "system_prompt": "You write SQL."}
    created = client.post("/api/roles", json=body)
    assert created.status_code == 201 and created.json()["builtin"] is False
    dup = client.post("/api/roles", json=body)
    assert dup.status_code == 409
    assert_error_shape(dup.json(), "conflict")
    updated = client.put(
        "/api/roles/sql-expert", json={"system_prompt": "Postgres only.", "default_model": "x"}
    )
    assert updated.json()["system_prompt"] == "Postgres only."
    assert [r["name"] for r in client.get("/api/roles").json()][-1] == "sql-expert"
    assert client.delete("/api/roles/sql-expert").status_code == 204
    gone = client.get("/api/roles/sql-expert")
    assert gone.status_code == 404
    assert_error_shape(gone.json(), "not_found")
    for bad in ({**body, "name": "Bad Name"}, {**body, "system_prompt": ""}):
        resp = client.post("/api/roles", json=bad)
        assert resp.status_code == 422
        assert_error_shape(resp.json(), "validation_failed")
    assert client.put("/api/roles/nobody", json={"system_prompt": "x"}).status_code == 404
