"""An id past what an INTEGER column holds is refused at the edge with 422, on every backend.

PostgreSQL answered 2**31 in any id (commands, runs, flows, flow runs, versions, price
overrides, optimizer undo, the ledger call detail, the run filters) with a 500: "integer out of
range". SQLite answered 404. One bound for both now."""

from __future__ import annotations

import base64

import pytest
from fastapi.testclient import TestClient

from tests.conftest import assert_error_shape

BIG = 2**31

ROUTES = [
    ("GET", f"/api/commands/{BIG}", None),
    ("PUT", f"/api/commands/{BIG}", {"name": "x"}),
    ("DELETE", f"/api/commands/{BIG}", None),
    ("GET", f"/api/commands/runs/{BIG}", None),
    ("POST", f"/api/commands/runs/{BIG}/cancel", None),
    ("GET", f"/api/commands/runs?card_id={BIG}", None),
    ("GET", f"/api/flows/{BIG}", None),
    ("POST", f"/api/flows/{BIG}/duplicate", None),
    ("GET", f"/api/flows/{BIG}/versions", None),
    ("POST", f"/api/flows/1/versions/{BIG}/restore", None),
    ("POST", f"/api/flows/{BIG}/runs", {}),
    ("GET", f"/api/flows/runs/{BIG}", None),
    ("POST", f"/api/flows/runs/{BIG}/resume", {}),
    ("GET", f"/api/flow-runs?flow_id={BIG}", None),
    ("GET", f"/api/flow-runs?before={BIG}", None),
    ("GET", f"/api/ledger/calls/{BIG}", None),
    ("DELETE", f"/api/prices/overrides/{BIG}", None),
    ("POST", f"/api/optimizations/actions/{BIG}/undo", None),
]


@pytest.mark.parametrize(("method", "url", "body"), ROUTES)
def test_an_id_too_big_for_a_column_is_a_422(
    client: TestClient, method: str, url: str, body: object
) -> None:
    res = client.request(method, url, json=body)
    assert res.status_code == 422, (url, res.status_code, res.text)
    assert_error_shape(res.json())


def test_the_largest_id_a_column_holds_is_a_plain_404(client: TestClient) -> None:
    res = client.get(f"/api/commands/{BIG - 1}")
    assert res.status_code == 404
    assert_error_shape(res.json(), "not_found")


def test_a_crafted_ledger_cursor_with_a_huge_id_is_a_422(client: TestClient) -> None:
    cursor = base64.urlsafe_b64encode(f"2026-01-01T00:00:00|{BIG}".encode()).decode()
    res = client.get("/api/ledger", params={"cursor": cursor})
    assert res.status_code == 422
    assert_error_shape(res.json())
