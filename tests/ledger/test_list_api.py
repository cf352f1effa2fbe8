"""GET /api/ledger: newest first, keyset pages, filters and error shapes."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient

from tests.conftest import assert_error_shape

from .conftest import NOW, add


def seed(client: TestClient) -> list[int]:
    engine = client.app.state.engine  # type: ignore[attr-defined]
    ids = []
    for i in range(7):
        ids.append(
            add(
                engine,
                timestamp=NOW - timedelta(minutes=10 * i),
                provider="anthropic" if i % 2 else "openai",
                model_used="claude-haiku-5-5" if i % 2 else "gpt-6.2-sol",
                agent_role="architect" if i < 3 else "planner",
                flow_id="flow-a" if i in (4, 5) else None,
                status="FAILED" if i == 6 else "SUCCESS",
            )
        )
    # Two rows in the same instant: the id breaks the tie, so paging never skips one.
    ids.append(add(engine, timestamp=NOW, model_used="tie"))
    return ids


def test_pages_are_newest_first_and_complete(client: TestClient) -> None:
    ids = seed(client)
    seen: list[int] = []
    cursor = None
    pages = 0
    while True:
        params: dict[str, object] = {"limit": 3}
        if cursor:
            params["cursor"] = cursor
        body = client.get("/api/ledger", params=params).json()
        seen += [item["id"] for item in body["items"]]
        pages += 1
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert pages == 3 and sorted(seen) == sorted(ids) and len(seen) == len(set(seen))
    first = client.get("/api/ledger", params={"limit": 2}).json()["items"]
    assert [i["id"] for i in first] == [ids[-1], ids[0]]
    item = first[0]
    assert item["timestamp"].endswith("Z")
    for column in (
        "flow_id",
        "prompt_hash",
        "latency_ms",
        "error_message",
        "cost_status",
        "price_input_per_mtok",
        "ttft_ms",
        "request_id",
        "usage_source",
        "run_id",
    ):
        assert column in item


def test_filters_combine(client: TestClient) -> None:
    seed(client)

    def ids(**params: object) -> int:
        return len(client.get("/api/ledger", params=params).json()["items"])

    assert ids(provider="anthropic") == 3
    assert ids(model="gpt-6.2-sol", agent_role="architect") == 2
    assert ids(flow_id="flow-a") == 2
    assert ids(status="FAILED") == 1
    since = (NOW - timedelta(minutes=25)).isoformat() + "Z"
    until = (NOW - timedelta(minutes=5)).isoformat() + "Z"
    assert ids(since=since, until=until) == 2


def test_bad_parameters_get_the_error_shape(client: TestClient) -> None:
    for params in (
        {"limit": 0},
        {"limit": 501},
        {"status": "OK"},
        {"since": "yesterday"},
        {"cursor": "%%%not-a-cursor"},
    ):
        resp = client.get("/api/ledger", params=params)
        assert resp.status_code == 422, params
        assert_error_shape(resp.json(), "validation_failed")
