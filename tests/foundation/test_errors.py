"""Every error path answers in the one JSON shape with a fitting status."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import BaseModel

from forge_orchestrator.app import create_app
from forge_orchestrator.errors import BudgetExceeded, Conflict, NotFound, ProviderError
from tests.conftest import BASE_URL, TOKEN, assert_error_shape, make_settings


class Thing(BaseModel):
    name: str
    size: int


def _app_with_probe_routes(data_dir: Path, **overrides: object) -> FastAPI:
    app = create_app(make_settings(data_dir, **overrides))

    # Probe routes are inserted ahead of the catch-alls so they are reachable.
    @app.post("/api/probe/thing")
    async def make_thing(thing: Thing) -> Thing:
        return thing

    @app.get("/api/probe/raise/{kind}")
    async def raise_kind(kind: str) -> None:
        errors = {
            "conflict": Conflict("stale", details={"expected": 2}),
            "missing": NotFound("no such thing"),
            "budget": BudgetExceeded("over budget", details={"limit_usd": 1.0}),
            "provider": ProviderError("upstream said no"),
        }
        raise errors[kind]

    @app.get("/api/probe/crash")
    async def crash() -> None:
        raise RuntimeError("boom with secret sk-abcdefghijklmnopqrstuv")

    app.router.routes[:] = sorted(
        app.router.routes, key=lambda r: 0 if "/probe/" in getattr(r, "path", "") else 1
    )
    return app


def test_unknown_api_path_is_404_json_not_html(client: TestClient) -> None:
    for method in ("get", "post", "delete"):
        res = getattr(client, method)("/api/does/not/exist")
        assert res.status_code == 404
        assert res.headers["content-type"].startswith("application/json")
        assert_error_shape(res.json(), "not_found")


def test_client_routes_fall_back_to_the_app(client: TestClient) -> None:
    res = client.get("/flows/12/runs/3")
    assert res.status_code in (200, 503)  # 503 only when the frontend has not been built
    assert res.headers["content-type"].startswith("text/html")


def test_static_path_traversal_is_refused(client: TestClient) -> None:
    res = client.get("/..%2f..%2fpyproject.toml")
    assert "forge-orchestrator" not in res.text or "<html" in res.text.lower()


def test_validation_errors_and_domain_errors(data_dir: Path) -> None:
    app = _app_with_probe_routes(data_dir)
    with TestClient(app, base_url=BASE_URL, headers={"Authorization": f"Bearer {TOKEN}"}) as c:
        res = c.post("/api/probe/thing", json={"name": "x", "size": "big"})
        assert res.status_code == 422
        assert_error_shape(res.json(), "validation_failed")
        assert res.json()["error"]["details"][0]["loc"] == ["body", "size"]

        res = c.post(
            "/api/probe/thing", content=b"{not json", headers={"Content-Type": "application/json"}
        )
        assert res.status_code == 422
        assert_error_shape(res.json(), "validation_failed")

        for kind, status, code in [
            ("conflict", 409, "conflict"),
            ("missing", 404, "not_found"),
            ("budget", 402, "budget_exceeded"),
            ("provider", 502, "provider_error"),
        ]:
            res = c.get(f"/api/probe/raise/{kind}")
            assert res.status_code == status
            assert_error_shape(res.json(), code)


def test_unexpected_errors_are_500_in_shape_without_leaking(data_dir: Path) -> None:
    app = _app_with_probe_routes(data_dir)
    with TestClient(
        app,
        base_url=BASE_URL,
        headers={"Authorization": f"Bearer {TOKEN}"},
        raise_server_exceptions=False,
    ) as c:
        res = c.get("/api/probe/crash")
        assert res.status_code == 500
        assert_error_shape(res.json(), "internal_error")
        assert "sk-" not in res.text


def test_oversized_body_is_413(data_dir: Path) -> None:
    app = _app_with_probe_routes(data_dir, max_body_bytes=2048)
    with TestClient(app, base_url=BASE_URL, headers={"Authorization": f"Bearer {TOKEN}"}) as c:
        res = c.post("/api/probe/thing", json={"name": "x" * 5000, "size": 1})
        assert res.status_code == 413
        assert_error_shape(res.json(), "payload_too_large")


def test_oversized_chunked_body_is_413(data_dir: Path) -> None:
    app = _app_with_probe_routes(data_dir, max_body_bytes=2048)

    def chunks():  # type: ignore[no-untyped-def]
        for _ in range(10):
            yield b"x" * 1000

    with TestClient(app, base_url=BASE_URL, headers={"Authorization": f"Bearer {TOKEN}"}) as c:
        res = c.post(
            "/api/probe/thing", content=chunks(), headers={"Content-Type": "application/json"}
        )
        assert res.status_code == 413
        assert_error_shape(res.json(), "payload_too_large")


def test_method_not_allowed_is_in_shape(client: TestClient) -> None:
    res = client.delete("/api/health")
    assert res.status_code in (404, 405)
    assert_error_shape(res.json())


def test_ids_too_large_for_the_database_are_422_not_500(client: TestClient) -> None:
    # Found by schemathesis: SQLite raised OverflowError on a 25-digit id.
    huge = 10**24
    for method, path in [
        ("get", f"/api/commands/{huge}"),
        ("get", f"/api/flows/runs/{huge}"),
        ("post", f"/api/flows/runs/{huge}/nodes/x/reject"),
    ]:
        res = getattr(client, method)(path)
        assert res.status_code == 422, (path, res.status_code, res.text)
        assert_error_shape(res.json(), "validation_failed")


def test_a_partial_update_with_invalid_nulls_is_422_not_500(client: TestClient) -> None:
    # Found by schemathesis: null for a non-nullable field failed validation inside the domain.
    card = client.post("/api/commands", json={"name": "x", "command": "echo hi"}).json()
    res = client.put(f"/api/commands/{card['id']}", json={"shell": None, "variables": None})
    assert res.status_code == 422
    assert_error_shape(res.json(), "validation_failed")
    assert client.get(f"/api/commands/{card['id']}").json()["shell"] == "bash"  # nothing lost
