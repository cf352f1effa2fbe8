"""Cards over HTTP: CRUD, risk on cards, search, tags, export/import and error shapes."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.conftest import assert_error_shape


def make(client: TestClient, **fields: Any) -> dict[str, Any]:
    body = {"name": "card", "command": "echo hi", **fields}
    response = client.post("/api/commands", json=body)
    assert response.status_code == 201, response.text
    return response.json()


def test_create_read_update_delete(client: TestClient) -> None:
    card = make(
        client,
        name="Deploy",
        command="rsync -a {{src}} host:/srv",
        description="ship it",
        tags=["ops", " ops ", "deploy"],
        variables=[{"name": "src", "description": "what to ship", "default": "dist/"}],
        source="architect",
        prompt="deploy my site",
        provider="openai",
        model="gpt-4o-mini",
        explanation=[{"part": "rsync", "text": "copies files"}],
    )
    assert card["tags"] == ["ops", "deploy"]
    assert card["risk"] == {"level": "safe", "reasons": []}
    assert card["last_run"] is None
    assert card["source"] == "architect" and card["prompt"] == "deploy my site"
    assert client.get(f"/api/commands/{card['id']}").json() == card

    updated = client.put(f"/api/commands/{card['id']}", json={"command": "rm -rf ~"}).json()
    assert updated["risk"]["level"] == "dangerous"
    assert updated["name"] == "Deploy" and updated["description"] == "ship it"
    assert updated["updated_at"] >= card["updated_at"]

    assert client.delete(f"/api/commands/{card['id']}").status_code == 204
    missing = client.get(f"/api/commands/{card['id']}")
    assert missing.status_code == 404
    assert_error_shape(missing.json(), "not_found")


def test_undeclared_placeholders_are_declared(client: TestClient) -> None:
    card = make(client, command="grep {{pattern}} {{file}}", variables=[{"name": "file"}])
    assert [v["name"] for v in card["variables"]] == ["file", "pattern"]
    assert card["variables"][1]["required"] is True


def test_search_by_text_and_tag(client: TestClient) -> None:
    make(client, name="List files", command="ls -la", tags=["fs"])
    make(client, name="Disk usage", command="du -sh .", description="How BIG", tags=["fs", "disk"])
    make(client, name="Status", command="git status", tags=["git"])

    def names(params: dict[str, str]) -> list[str]:
        return sorted(c["name"] for c in client.get("/api/commands", params=params).json())

    assert names({"q": "big"}) == ["Disk usage"]
    assert names({"q": "GIT"}) == ["Status"]
    assert names({"tag": "fs"}) == ["Disk usage", "List files"]
    assert names({"tag": "fs", "q": "ls"}) == ["List files"]
    assert names({"q": "disk"}) == ["Disk usage"]  # matches a tag
    assert client.get("/api/commands/tags").json() == ["disk", "fs", "git"]


def test_export_then_import_round_trips(client: TestClient) -> None:
    make(client, name="one", command="echo 1", tags=["a"])
    make(client, name="two", command="echo {{x}}", variables=[{"name": "x", "default": "2"}])
    exported = client.get("/api/commands/export")
    assert exported.status_code == 200
    assert "attachment" in exported.headers["content-disposition"]
    bundle = exported.json()
    assert bundle["format"] == "forge-command-cards"
    assert [c["name"] for c in bundle["cards"]] == ["one", "two"]
    imported = client.post("/api/commands/import", json=bundle)
    assert imported.status_code == 201
    assert imported.json()["created"] == 2
    assert len(client.get("/api/commands").json()) == 4


def test_import_is_all_or_nothing(client: TestClient) -> None:
    bad = {"cards": [{"name": "ok", "command": "true"}, {"name": "", "command": "true"}]}
    response = client.post("/api/commands/import", json=bad)
    assert response.status_code == 422
    assert_error_shape(response.json(), "validation_failed")
    assert client.get("/api/commands").json() == []


def test_error_shapes(client: TestClient) -> None:
    cases = [
        client.post("/api/commands", json={"name": "x"}),
        client.post("/api/commands", json={"name": " ", "command": "true"}),
        client.post("/api/commands", json={"name": "x", "command": "true", "shell": "cmd.exe"}),
        client.post("/api/commands", json={"name": "x", "command": "true", "bogus": 1}),
        client.post(
            "/api/commands",
            json={"name": "x", "command": "true", "variables": [{"name": "1bad"}]},
        ),
        client.put("/api/commands/999", json={"name": "x"}),
        client.delete("/api/commands/999"),
        client.get("/api/commands/not-a-number"),
    ]
    expected = [422, 422, 422, 422, 422, 404, 404, 404]
    assert [r.status_code for r in cases] == expected
    for response in cases:
        assert_error_shape(response.json())


def test_analyze_endpoint(client: TestClient) -> None:
    verdict = client.post("/api/commands/analyze", json={"command": "curl x | sh"}).json()
    assert verdict["level"] == "dangerous" and verdict["reasons"]
    empty = client.post("/api/commands/analyze", json={"command": ""})
    assert empty.status_code == 422
    assert_error_shape(empty.json(), "validation_failed")


def test_update_of_an_architect_card_changes_name_and_cwd(
    client: TestClient, tmp_path: Any
) -> None:
    card = make(client, source="architect", prompt="list", explanation={"parts": []}, cwd="/nope")
    editable = {
        k: card[k] for k in ("name", "command", "description", "tags", "shell", "variables")
    }
    saved = client.put(
        f"/api/commands/{card['id']}", json={**editable, "name": "Renamed", "cwd": str(tmp_path)}
    )
    assert saved.status_code == 200, saved.text
    body = saved.json()
    assert body["name"] == "Renamed" and body["cwd"] == str(tmp_path)
    assert body["source"] == "architect" and body["prompt"] == "list"
    cleared = client.put(f"/api/commands/{card['id']}", json={"cwd": ""}).json()
    assert cleared["cwd"] is None


def test_sending_read_only_fields_says_which_and_what_may_be_sent(client: TestClient) -> None:
    card = make(client)
    response = client.put(f"/api/commands/{card['id']}", json={**card, "name": "x"})
    assert response.status_code == 422
    body = response.json()
    assert_error_shape(body, "validation_failed")
    message = body["error"]["message"]
    assert "source" in message and "id" in message and "cannot be changed" in message
    assert "name, command, description, tags, shell, cwd, variables" in message
    assert client.get(f"/api/commands/{card['id']}").json()["name"] == "card"


def _names(client: TestClient) -> list[str]:
    return sorted(c["name"] for c in client.get("/api/commands").json())


def test_reimporting_a_file_asks_then_skips_replaces_or_keeps(client: TestClient) -> None:
    kept = make(client, name="one", command="echo 1")
    make(client, name="two", command="echo 2")
    bundle = client.get("/api/commands/export").json()
    bundle["cards"][0]["description"] = "from the file"
    bundle["cards"].append({"name": "three", "command": "echo 3"})

    asked = client.post("/api/commands/import", params={"on_duplicate": "ask"}, json=bundle)
    assert asked.status_code == 409
    assert_error_shape(asked.json(), "duplicate_cards")
    assert asked.json()["error"]["details"] == {
        "duplicates": 2,
        "total": 3,
        "names": ["one", "two"],
    }
    assert "2 of 3 cards are already in your deck" in asked.json()["error"]["message"]
    assert _names(client) == ["one", "two"]

    skipped = client.post("/api/commands/import", params={"on_duplicate": "skip"}, json=bundle)
    assert skipped.status_code == 201
    assert {k: skipped.json()[k] for k in ("created", "skipped", "replaced")} == {
        "created": 1,
        "skipped": 2,
        "replaced": 0,
    }
    assert _names(client) == ["one", "three", "two"]

    replaced = client.post("/api/commands/import", params={"on_duplicate": "replace"}, json=bundle)
    body = replaced.json()
    assert (body["created"], body["skipped"], body["replaced"]) == (0, 0, 3)
    assert _names(client) == ["one", "three", "two"]
    again = client.get(f"/api/commands/{kept['id']}").json()
    assert again["description"] == "from the file" and again["created_at"] == kept["created_at"]

    copies = client.post("/api/commands/import", json=bundle).json()
    assert (copies["created"], copies["skipped"]) == (3, 0)
    assert _names(client) == ["one", "one", "three", "three", "two", "two"]
    bad = client.post("/api/commands/import", params={"on_duplicate": "merge"}, json=bundle)
    assert bad.status_code == 422
    assert_error_shape(bad.json(), "validation_failed")
