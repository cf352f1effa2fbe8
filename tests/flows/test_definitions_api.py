"""Flow definitions over HTTP: CRUD, optimistic concurrency, versions, import/export, status."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.conftest import assert_error_shape

from .helpers import create, edge, flow, shell

SIMPLE = flow([shell("a", "echo a"), shell("b", "echo b")], [edge("a", "b")])


def test_create_get_list_update_delete(client: TestClient) -> None:
    created = create(client, SIMPLE, name="Build")
    assert created["version"] == 1 and created["status"] == "draft" and created["node_count"] == 2
    assert created["last_run"] is None
    got = client.get(f"/api/flows/{created['id']}").json()
    assert [n["id"] for n in got["data"]["nodes"]] == ["a", "b"]
    assert [f["name"] for f in client.get("/api/flows").json()] == ["Build"]

    r = client.put(
        f"/api/flows/{created['id']}", json={"version": 1, "name": "Build 2", "status": "active"}
    )
    assert r.status_code == 200, r.text
    assert (
        r.json()["version"] == 2
        and r.json()["name"] == "Build 2"
        and r.json()["status"] == "active"
    )

    assert client.delete(f"/api/flows/{created['id']}").status_code == 204
    missing = client.get(f"/api/flows/{created['id']}")
    assert missing.status_code == 404
    assert_error_shape(missing.json(), "not_found")


def test_stale_write_is_a_409(client: TestClient) -> None:
    created = create(client, SIMPLE)
    fid = created["id"]
    first = client.put(f"/api/flows/{fid}", json={"version": 1, "description": "mine"})
    assert first.status_code == 200
    stale = client.put(f"/api/flows/{fid}", json={"version": 1, "description": "theirs"})
    assert stale.status_code == 409
    assert_error_shape(stale.json(), "conflict")
    assert stale.json()["error"]["details"] == {"current_version": 2}
    assert client.get(f"/api/flows/{fid}").json()["description"] == "mine"


def test_every_save_keeps_a_version_and_restore_brings_one_back(client: TestClient) -> None:
    created = create(client, SIMPLE)
    fid = created["id"]
    changed = flow([shell("only", "echo changed")], [])
    r = client.put(f"/api/flows/{fid}", json={"version": 1, "data": changed, "note": "shrink"})
    assert r.status_code == 200 and r.json()["node_count"] == 1
    versions = client.get(f"/api/flows/{fid}/versions").json()
    assert [(v["version"], v["node_count"], v["note"]) for v in versions] == [
        (2, 1, "shrink"),
        (1, 2, "Created"),
    ]
    restored = client.post(f"/api/flows/{fid}/versions/1/restore")
    assert restored.status_code == 200, restored.text
    body = restored.json()
    assert body["version"] == 3 and [n["id"] for n in body["data"]["nodes"]] == ["a", "b"]
    assert client.get(f"/api/flows/{fid}/versions").json()[0]["note"] == "Restored version 1"
    assert client.post(f"/api/flows/{fid}/versions/99/restore").status_code == 404


def test_duplicate_export_import_round_trip(client: TestClient) -> None:
    created = create(client, SIMPLE, name="Deploy")
    dup = client.post(f"/api/flows/{created['id']}/duplicate")
    assert dup.status_code == 201 and dup.json()["name"] == "Deploy (copy)"
    exported = client.get(f"/api/flows/{created['id']}/export")
    assert exported.status_code == 200
    assert "attachment" in exported.headers["content-disposition"]
    doc = exported.json()
    assert doc["format"] == "forge-flow" and doc["data"] == created["data"]
    imported = client.post("/api/flows/import", json=doc)
    assert imported.status_code == 201, imported.text
    assert imported.json()["data"] == created["data"] and imported.json()["status"] == "draft"
    assert len(client.get("/api/flows").json()) == 3


def test_archived_flows_are_hidden_and_do_not_run(client: TestClient) -> None:
    created = create(client, SIMPLE)
    fid = created["id"]
    client.put(f"/api/flows/{fid}", json={"version": 1, "status": "archived"})
    assert client.get("/api/flows").json() == []
    assert [
        f["id"] for f in client.get("/api/flows", params={"include_archived": True}).json()
    ] == [fid]
    r = client.post(f"/api/flows/{fid}/runs", json={})
    assert r.status_code == 409
    assert_error_shape(r.json(), "conflict")
    assert "archived" in r.json()["error"]["message"]


def test_saving_an_invalid_definition_names_node_and_field(client: TestClient) -> None:
    bad = flow(
        [shell("a", "echo {{ nodes.b.output }}"), {"id": "b", "type": "llm", "data": {}}], []
    )
    r = client.post("/api/flows", json={"name": "bad", "data": bad})
    assert r.status_code == 422
    assert_error_shape(r.json(), "validation_failed")
    details = r.json()["error"]["details"]
    assert {
        "node_id": "a",
        "field": "command",
        "message": "node 'b' is not upstream of 'a'; connect it first",
    } in details
    assert any(d["node_id"] == "b" and d["field"] == "prompt" for d in details)


def test_validate_endpoint_reports_without_saving(client: TestClient) -> None:
    cyclic = flow(
        [shell("x", "true"), shell("y", "true"), shell("z", "true")],
        [edge("x", "y"), edge("y", "z"), edge("z", "y")],
    )
    r = client.post("/api/flows/validate", json={"data": cyclic})
    assert r.status_code == 200
    report = r.json()
    assert report["valid"] is False
    cycle_nodes = {i["node_id"] for i in report["issues"] if "cycle" in i["message"]}
    assert cycle_nodes == {"y", "z"}
    assert client.post("/api/flows/validate", json={"data": SIMPLE}).json() == {
        "valid": True,
        "issues": [],
    }
    assert client.get("/api/flows").json() == []


def test_unknown_ids_and_bad_bodies_use_the_error_shape(client: TestClient) -> None:
    for method, path in [
        ("get", "/api/flows/999"),
        ("put", "/api/flows/999"),
        ("delete", "/api/flows/999"),
        ("get", "/api/flows/999/versions"),
        ("get", "/api/flows/runs/999"),
        ("post", "/api/flows/999/runs"),
        ("post", "/api/flows/runs/999/resume"),
    ]:
        body = {"version": 1} if method == "put" else None
        r = client.request(method.upper(), path, json=body)
        assert r.status_code == 404, (path, r.text)
        assert_error_shape(r.json(), "not_found")
    r = client.post("/api/flows", json={"name": ""})
    assert r.status_code == 422
    assert_error_shape(r.json(), "validation_failed")
