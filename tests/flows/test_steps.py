"""Conditions, retries, timeouts, cancel and template quoting, through the real engine."""

from __future__ import annotations

import time
from pathlib import Path

import psutil
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from forge_orchestrator.commands.cards import create_card
from forge_orchestrator.commands.models import CardCreate

from .helpers import (
    by_id,
    create,
    edge,
    flow,
    in_tx,
    node,
    run_flow,
    shell,
    start,
    wait_node,
    wait_run,
)


def branchy(kind: str, value: object, source_cmd: str, **cond: object) -> dict[str, object]:
    return flow(
        [
            shell("probe", source_cmd),
            node("check", "condition", kind=kind, source="probe", value=value, **cond),
            shell("yes", "echo yes-branch"),
            shell("no", "echo no-branch"),
            shell("after_yes", "echo after"),
            shell("join", "echo joined {{ nodes.yes.output }}{{ nodes.no.output }}"),
        ],
        [
            edge("probe", "check"),
            edge("check", "yes", "true"),
            edge("check", "no", "false"),
            edge("yes", "after_yes"),
            edge("after_yes", "join"),
            edge("no", "join"),
        ],
    )


@pytest.mark.parametrize(
    ("kind", "value", "command", "extra", "taken"),
    [
        ("exit_code", "0", "true", {}, "yes"),
        ("exit_code", 0, "exit 4", {"operator": "eq"}, "no"),
        ("contains", "READY", "echo status: READY", {}, "yes"),
        ("matches", r"^v\d+\.\d+$", "echo v1.x", {}, "no"),
        (
            "json",
            3,
            'echo \'{"items": [{"n": 5}]}\'',
            {"path": "items.0.n", "operator": "gt"},
            "yes",
        ),
        ("json", "ok", 'echo \'{"state": "ok"}\'', {"path": "state", "negate": True}, "no"),
    ],
)
def test_condition_picks_a_branch(
    client: TestClient, kind: str, value: object, command: str, extra: dict[str, object], taken: str
) -> None:
    data = branchy(kind, value, command, **extra)
    if command.startswith("exit"):
        data["nodes"][0]["data"]["continue_on_error"] = True  # type: ignore[index]
    run = run_flow(client, data)
    assert run["status"] == "succeeded", run
    nodes = by_id(run)
    other = "no" if taken == "yes" else "yes"
    assert nodes[taken]["status"] == "succeeded"
    assert nodes[other]["status"] == "skipped"
    assert nodes["check"]["output"] == ("true" if taken == "yes" else "false")
    assert nodes["after_yes"]["status"] == ("succeeded" if taken == "yes" else "skipped")
    # The join runs after whichever branch was taken; the skipped one renders empty.
    assert nodes["join"]["status"] == "succeeded"
    assert nodes["join"]["output"] == f"joined {taken}-branch\n"


def test_retry_then_success(client: TestClient, tmp_path: Path) -> None:
    marker = tmp_path / "tries"
    cmd = f'echo x >> {marker}; [ "$(wc -l < {marker})" -ge 3 ] || exit 9; echo third time'
    run = run_flow(client, flow([shell("flaky", cmd, retries=3, retry_delay_s=0.01)], []))
    rec = by_id(run)["flaky"]
    assert run["status"] == "succeeded"
    assert rec["attempts"] == 3
    assert rec["output"] == "third time\n"
    assert rec["error"] is None
    assert marker.read_text().count("x") == 3


def test_retries_exhausted_fail_the_step(client: TestClient) -> None:
    run = run_flow(client, flow([shell("nope", "exit 2", retries=2, retry_delay_s=0)], []))
    rec = by_id(run)["nope"]
    assert run["status"] == "failed"
    assert rec["attempts"] == 3 and rec["exit_code"] == 2


def test_timeout_kills_the_step_and_skips_downstream(client: TestClient) -> None:
    data = flow(
        [shell("slow", "echo started; sleep 30", timeout_s=0.5), shell("next", "echo never")],
        [edge("slow", "next")],
    )
    run = run_flow(client, data)
    nodes = by_id(run)
    assert run["status"] == "failed"
    assert nodes["slow"]["status"] == "failed"
    assert "Timed out after 0.5s" in nodes["slow"]["error"]
    assert nodes["slow"]["output"] == "started\n"
    assert nodes["next"]["status"] == "skipped"


def _gone(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


def test_cancel_mid_run_kills_the_process_group(client: TestClient, tmp_path: Path) -> None:
    pidfile = tmp_path / "grandchild.pid"
    data = flow(
        [
            shell("long", f"sleep 300 & echo $! > {pidfile}; wait"),
            shell("quick", "echo done"),
            shell("later", "echo never"),
        ],
        [edge("long", "later")],
    )
    created = create(client, data)
    run = start(client, created["id"])
    wait_node(client, run["id"], "quick", "succeeded")
    deadline = time.monotonic() + 10
    while not (pidfile.exists() and pidfile.read_text().strip()):
        assert time.monotonic() < deadline, "the step never started its child"
        time.sleep(0.02)
    grandchild = int(pidfile.read_text())
    assert not _gone(grandchild)
    r = client.post(f"/api/flows/runs/{run['id']}/cancel")
    assert r.status_code == 200, r.text
    cancelled = r.json()
    assert cancelled["status"] == "cancelled"
    nodes = by_id(cancelled)
    assert nodes["long"]["status"] == "cancelled"
    assert nodes["later"]["status"] == "cancelled"
    assert nodes["quick"]["status"] == "succeeded"
    assert _gone(grandchild)
    # Cancelling again is refused: it is not running any more.
    again = client.post(f"/api/flows/runs/{run['id']}/cancel")
    assert again.status_code == 409


HOSTILE = [
    "$(touch {m}/dollar)",
    "`touch {m}/backtick`",
    "'; touch {m}/single; '",
    '"; touch {m}/double; "',
    "x' && touch {m}/amp && echo '",
    "a\nb; touch {m}/newline",
]


@pytest.mark.parametrize("template", ["echo {v}", 'echo "{v}"', "echo '{v}'", "echo pre-{v}-post"])
def test_template_injection_through_an_input_never_executes(
    client: TestClient, tmp_path: Path, template: str
) -> None:
    markers = tmp_path / "markers"
    markers.mkdir()
    nodes = []
    for i, hostile in enumerate(HOSTILE):
        nodes.append(shell(f"s{i}", template.format(v="{{ inputs.payload" + str(i) + " }}")))
    settings = {"inputs": [{"name": f"payload{i}", "required": True} for i in range(len(HOSTILE))]}
    created = create(client, {"nodes": nodes, "edges": [], "settings": settings})
    values = {f"payload{i}": h.format(m=markers) for i, h in enumerate(HOSTILE)}
    run = wait_run(client, start(client, created["id"], inputs=values)["id"])
    assert run["status"] == "succeeded", run
    assert list(markers.iterdir()) == []
    outputs = by_id(run)
    for i in range(len(HOSTILE)):
        # The value arrives as data, byte for byte.
        assert values[f"payload{i}"] in outputs[f"s{i}"]["output"]


def test_upstream_output_is_quoted_too(client: TestClient, tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    data = flow(
        [shell("evil", f"echo '$(touch {marker})'"), shell("use", "echo {{ nodes.evil.output }}")],
        [edge("evil", "use")],
    )
    run = run_flow(client, data)
    assert run["status"] == "succeeded"
    assert not marker.exists()
    assert by_id(run)["use"]["output"] == f"$(touch {marker})\n"


def test_shell_step_can_run_a_command_card_with_its_variables(
    client: TestClient, app: FastAPI, tmp_path: Path
) -> None:
    marker = tmp_path / "pwned"
    card = in_tx(
        app.state.engine,
        lambda c: create_card(
            c, CardCreate(name="greet", command='echo "hi {{who}}"', variables=[{"name": "who"}])
        ),
    )
    data = flow(
        [
            shell("name", f"echo '$(touch {marker})'"),
            {
                "id": "greet",
                "type": "shell",
                "data": {"card_id": card.id, "variables": {"who": "{{ nodes.name.output }}"}},
            },
        ],
        [edge("name", "greet")],
    )
    run = run_flow(client, data)
    assert run["status"] == "succeeded", run
    assert by_id(run)["greet"]["output"] == f"hi $(touch {marker})\n"
    assert not marker.exists()
    missing = flow([{"id": "x", "type": "shell", "data": {"card_id": 9999}}], [])
    r = client.post(f"/api/flows/{create(client, missing)['id']}/runs", json={})
    assert r.status_code == 422
    assert r.json()["error"]["details"][0]["node_id"] == "x"
    assert r.json()["error"]["details"][0]["field"] == "card_id"
