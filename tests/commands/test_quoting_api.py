"""The issue's injection cases through POST /api/commands/run, and typed confirmation of values
that a nested interpreter parses (409 with the rendered command, then the matching token)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from tests.conftest import assert_error_shape

from .test_runs_api import final, start


def card(client: TestClient, command: str) -> int:
    res = client.post("/api/commands", json={"name": "c", "command": command})
    assert res.status_code == 201, res.text
    return int(res.json()["id"])


def run_card(client: TestClient, card_id: int, cwd: Path, **values: str) -> dict[str, Any]:
    return final(client, start(client, card_id=card_id, variables=values, cwd=str(cwd))["id"])


def test_backticks_in_an_assignment_do_not_run_the_value(
    client: TestClient, tmp_path: Path
) -> None:
    value = "x`;touch pwned;`y"
    done = run_card(client, card(client, 'x=`printf %s {{v}}`; printf %s "$x"'), tmp_path, v=value)
    assert not (tmp_path / "pwned").exists()
    assert done["status"] == "succeeded" and done["output"] == value


def test_default_value_idiom_keeps_the_directory_and_shows_what_runs(
    client: TestClient, tmp_path: Path
) -> None:
    (tmp_path / "somedir").mkdir()
    cid = card(client, 'printf %s "${VAR:-{{v}}}"')
    value = "$(rm -rf somedir)"
    preview = client.post("/api/commands/preview", json={"card_id": cid, "variables": {"v": value}})
    assert preview.status_code == 200, preview.text
    shown = preview.json()
    done = run_card(client, cid, tmp_path, v=value)
    assert (tmp_path / "somedir").is_dir()
    assert done["output"] == value
    # The preview is exactly what ran, beside the value bound for it.
    assert shown["command"] == done["command"] == 'printf %s "${VAR:-"${FORGE_VAR_v}"}"'
    assert shown["bindings"] == [{"name": "v", "env": "FORGE_VAR_v", "value": value}]
    assert shown["needs_confirmation"] is False


def test_here_string_or_shift_on_an_earlier_line_and_comments(
    client: TestClient, tmp_path: Path
) -> None:
    marker = tmp_path / "pwned"
    for template in ("cat <<< hi\necho {{v}}", "echo $((1<<2))\necho {{v}}"):
        value = f"a; touch {marker}"
        done = run_card(client, card(client, template), tmp_path, v=value)
        assert not marker.exists(), template
        assert done["output"].endswith(value + "\n")
    done = run_card(client, card(client, "echo ok # note {{v}}"), tmp_path, v=f"x\ntouch {marker}")
    assert not marker.exists()
    assert done["output"] == "ok\n"


def test_nested_interpreter_needs_the_confirm_token_for_exactly_these_values(
    client: TestClient, tmp_path: Path
) -> None:
    cid = card(client, "bash -c 'echo {{v}}'")
    shown = client.get(f"/api/commands/{cid}").json()["risk"]
    assert shown["level"] == "dangerous"
    assert any("`bash` parses" in r for r in shown["reasons"])
    body = {"card_id": cid, "variables": {"v": "hello"}, "cwd": str(tmp_path)}
    refused = client.post("/api/commands/run", json=body)
    assert refused.status_code == 409
    assert_error_shape(refused.json(), "confirmation_required")
    details = refused.json()["error"]["details"]
    assert details["effective"] == "bash -c 'echo hello'"
    assert details["command"] == "bash -c 'echo '\"${FORGE_VAR_v}\"''"
    assert details["bindings"] == [{"name": "v", "env": "FORGE_VAR_v", "value": "hello"}]
    assert details["nested"] and details["confirm_token"]
    # `confirm: true` (enough for a dangerous command) does not approve a nested value…
    assert client.post("/api/commands/run", json={**body, "confirm": True}).status_code == 409
    # …and a token given for other values does not approve these.
    other = {
        **body,
        "variables": {"v": "x; touch pwned"},
        "confirm_token": details["confirm_token"],
    }
    assert client.post("/api/commands/run", json=other).status_code == 409
    assert not (tmp_path / "pwned").exists()
    run = start(client, **body, confirm_token=details["confirm_token"])
    assert final(client, run["id"])["output"] == "hello\n"


def test_positional_arguments_of_bash_c_are_not_nested(client: TestClient, tmp_path: Path) -> None:
    # The safe way to hand a value to a nested shell needs no confirmation and is exact.
    value = "$(touch pwned); `touch pwned`"
    done = run_card(client, card(client, "bash -c 'printf %s \"$1\"' _ {{v}}"), tmp_path, v=value)
    assert done["output"] == value and not (tmp_path / "pwned").exists()


def test_a_caller_env_cannot_replace_a_bound_value(client: TestClient, tmp_path: Path) -> None:
    cid = card(client, "printf %s {{v}}")
    body = {"card_id": cid, "variables": {"v": "kept"}, "env": {"FORGE_VAR_v": "replaced"}}
    done = final(client, start(client, **body)["id"])
    assert done["output"] == "kept"
