"""Card imports: a limit on cards per file (413, nothing stored), and all the work off the loop."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from forge_orchestrator.app import create_app
from tests.conftest import BASE_URL, TOKEN, assert_error_shape, make_settings


def bundle(n: int) -> dict[str, Any]:
    cards = [{"name": f"card {i}", "command": f"echo {i} | grep {i}"} for i in range(n)]
    return {"format": "forge-command-cards", "version": 1, "cards": cards}


@pytest.fixture
def small_limit(data_dir: Path) -> Iterator[TestClient]:
    app = create_app(make_settings(data_dir, import_max_cards=3))
    headers = {"Authorization": f"Bearer {TOKEN}"}
    with TestClient(app, base_url=BASE_URL, headers=headers) as c:
        yield c


def test_an_import_over_the_limit_is_refused_before_anything_is_stored(
    small_limit: TestClient,
) -> None:
    res = small_limit.post("/api/commands/import", json=bundle(4))
    assert res.status_code == 413, res.text
    assert_error_shape(res.json(), "payload_too_large")
    assert res.json()["error"]["details"] == {"items": 4, "max_items": 3}
    assert "at most 3" in res.json()["error"]["message"]
    assert small_limit.get("/api/commands").json() == []
    ok = small_limit.post("/api/commands/import", json=bundle(3))
    assert ok.status_code == 201 and ok.json()["created"] == 3
    assert [c["name"] for c in small_limit.get("/api/commands").json()] == [
        "card 2",
        "card 1",
        "card 0",
    ]


def test_import_errors_keep_the_shape_a_declared_body_had(client: TestClient) -> None:
    broken = client.post(
        "/api/commands/import", content=b'{"cards": [', headers={"content-type": "application/json"}
    )
    assert broken.status_code == 422
    assert_error_shape(broken.json(), "validation_failed")
    assert broken.json()["error"]["details"][0]["type"] == "json_invalid"
    bad = bundle(2)
    bad["cards"][1]["shell"] = "fish"
    invalid = client.post("/api/commands/import", json=bad)
    assert invalid.status_code == 422
    assert_error_shape(invalid.json(), "validation_failed")
    assert invalid.json()["error"]["details"][0]["loc"] == ["body", "cards", 1, "shell"]
    assert invalid.json()["error"]["message"].startswith("cards.1.shell:")
    late = bundle(250)
    late["cards"][180]["name"] = ""
    late_error = client.post("/api/commands/import", json=late).json()["error"]
    assert late_error["details"][0]["loc"] == ["body", "cards", 180, "name"]
    as_text = client.post(
        "/api/commands/import",
        content=json.dumps(bundle(1)),
        headers={"content-type": "text/plain"},
    )
    assert as_text.status_code == 422
    assert_error_shape(as_text.json(), "validation_failed")
    wrong_kind = client.post("/api/commands/import", json={"format": "other", "cards": []})
    assert wrong_kind.status_code == 422
    assert client.get("/api/commands").json() == []


def test_a_large_allowed_import_is_parsed_where_no_event_loop_runs(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Where the body is parsed tells whether the loop would wait for it: on the loop thread
    # asyncio has a running loop; in a worker thread it has none.
    seen: list[bool] = []
    real_loads = json.loads

    def watching_loads(text: Any, *args: Any, **kwargs: Any) -> Any:
        if len(text) > 100_000:
            try:
                asyncio.get_running_loop()
                seen.append(True)
            except RuntimeError:
                seen.append(False)
        return real_loads(text, *args, **kwargs)

    monkeypatch.setattr(json, "loads", watching_loads)
    body = json.dumps(bundle(2000))
    res = client.post(
        "/api/commands/import", content=body, headers={"content-type": "application/json"}
    )
    assert res.status_code == 201, res.text
    assert res.json()["created"] == 2000 and len(res.json()["cards"]) == 2000
    # (the client's own res.json() calls run in this test's thread, also without a loop)
    assert seen and True not in seen, "the import body was parsed on the event loop"
    assert len(client.get("/api/commands").json()) == 2000
