"""GET /api/flow-runs: runs of every flow, newest first, filtered by status and flow, paged."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.conftest import assert_error_shape

from .helpers import create, flow, node, shell, start, wait_run


def test_lists_runs_of_all_flows_with_filters_and_pages(client: TestClient) -> None:
    ok = create(client, flow([shell("a", "echo ok")], []), name="Builds")
    bad = create(client, flow([shell("a", "exit 3")], []), name="Deploys")
    gated = create(client, flow([node("gate", "approval", message="go?")], []), name="Gated")
    done = [wait_run(client, start(client, f["id"])["id"]) for f in (ok, bad, ok)]
    waiting = start(client, gated["id"])
    wait_run(client, waiting["id"], {"awaiting_approval"})

    r = client.get("/api/flow-runs")
    assert r.status_code == 200, r.text
    page = r.json()
    assert [x["id"] for x in page["runs"]] == [waiting["id"], *[d["id"] for d in reversed(done)]]
    assert [x["flow_name"] for x in page["runs"]] == ["Gated", "Builds", "Deploys", "Builds"]
    assert page["next_before"] is None
    first = page["runs"][1]
    assert first["status"] == "succeeded"
    assert first["totals"]["duration_ms"] is not None
    assert first["started_at"] and first["finished_at"]

    failed = client.get("/api/flow-runs", params={"status": "failed"}).json()["runs"]
    assert [x["flow_name"] for x in failed] == ["Deploys"]
    live = client.get(
        "/api/flow-runs", params=[("status", "running"), ("status", "awaiting_approval")]
    ).json()["runs"]
    assert [x["id"] for x in live] == [waiting["id"]]
    one_flow = client.get("/api/flow-runs", params={"flow_id": ok["id"]}).json()["runs"]
    assert {x["flow_id"] for x in one_flow} == {ok["id"]} and len(one_flow) == 2

    # Paging: two at a time, each page older than the last.
    p1 = client.get("/api/flow-runs", params={"limit": 2}).json()
    assert len(p1["runs"]) == 2 and p1["next_before"] == p1["runs"][-1]["id"]
    p2 = client.get("/api/flow-runs", params={"limit": 2, "before": p1["next_before"]}).json()
    assert [x["id"] for x in p2["runs"]] == [d["id"] for d in reversed(done[:2])]
    assert p2["next_before"] == p2["runs"][-1]["id"]
    p3 = client.get("/api/flow-runs", params={"limit": 2, "before": p2["next_before"]}).json()
    assert p3 == {"runs": [], "next_before": None}
    client.post(f"/api/flows/runs/{waiting['id']}/cancel")


def test_bad_filters_answer_the_error_shape(client: TestClient) -> None:
    for params in ({"status": "exploded"}, {"limit": 0}, {"limit": 501}, {"before": "x"}):
        r = client.get("/api/flow-runs", params=params)
        assert r.status_code == 422, (params, r.text)
        assert_error_shape(r.json())
