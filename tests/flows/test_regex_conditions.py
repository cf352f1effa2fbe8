"""`matches` conditions run on a linear-time engine: no pattern freezes the server."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from forge_orchestrator.flows.conditions import ConditionError, evaluate
from forge_orchestrator.flows.definition import ConditionData
from forge_orchestrator.flows.templates import NodeValues
from tests.e2e.harness import ServerProcess

from .helpers import TERMINAL, by_id, edge, flow, node, shell

CATASTROPHIC = r"^(a+)+b$"  # 2**n backtracking steps in Python's re for n "a"s and no "b"


def matches(pattern: str, output: str) -> bool:
    cond = ConditionData(kind="matches", source="p", value=pattern)
    return evaluate(cond, NodeValues(output=output))


# The thread method still fires while a C-level regex loop holds the main thread (the signal
# method would wait for it), so a regression fails here instead of hanging the suite.
@pytest.mark.timeout(60, method="thread")
@pytest.mark.parametrize("n", [29, 35, 40, 100_000])
def test_a_catastrophic_pattern_finishes_with_the_right_answer(n: int) -> None:
    assert matches(CATASTROPHIC, "a" * n) is False
    assert matches(CATASTROPHIC, "a" * n + "b") is True


def test_python_conventions_users_rely_on_still_hold() -> None:
    # `$` matches before the final newline that shell output ends with, as in Python's re.
    assert matches(r"^ok$", "ok\n") is True
    assert matches(r"^ok$", "ok\n\n") is False
    assert matches(r"^v\d+\.\d+$", "v1.2\n") is True
    assert matches(r"(?i)ready", "status: READY") is True
    assert matches(r"(?P<major>\d+)\.\d+", "version 3.11") is True
    # Untrusted output with a lone surrogate (an LLM reply can carry one) is still searchable.
    assert matches(r"done", "\ud800 done") is True


def test_a_definition_saved_before_the_engine_change_fails_the_node_not_the_server() -> None:
    with pytest.raises(ConditionError, match="RE2"):
        matches(r"(a)\1", "aa")


def _condition_flow(pattern: str) -> dict[str, object]:
    return flow(
        [
            shell("probe", "printf 'a%.0s' $(seq 40)"),
            node("check", "condition", kind="matches", source="probe", value=pattern),
            shell("yes", "echo yes"),
            shell("no", "echo no"),
        ],
        [edge("probe", "check"), edge("check", "yes", "true"), edge("check", "no", "false")],
    )


@pytest.mark.parametrize(
    ("pattern", "reason"),
    [
        (r"(a)\1", "backreferences"),
        (r"foo(?=bar)", "lookahead and lookbehind"),
        (r"(?<!x)y", "lookahead and lookbehind"),
        (r"a++", "possessive quantifiers"),
        (r"end\Z", r"\Z (write \z)"),
    ],
)
def test_patterns_re2_cannot_run_are_refused_at_save_naming_the_node(
    client: TestClient, pattern: str, reason: str
) -> None:
    res = client.post("/api/flows", json={"name": "f", "data": _condition_flow(pattern)})
    assert res.status_code == 422, res.text
    error = res.json()["error"]
    assert error["message"].startswith("The flow is not valid: node check, value: not supported")
    assert reason in error["message"]
    assert {"node_id": "check", "field": "value"}.items() <= error["details"][0].items()
    assert client.get("/api/flows").json() == []
    report = client.post("/api/flows/validate", json={"data": _condition_flow(pattern)}).json()
    assert report["valid"] is False and report["issues"][0]["node_id"] == "check"


@pytest.mark.timeout(90, method="thread")
def test_the_server_keeps_answering_while_a_catastrophic_condition_runs(
    server: ServerProcess,
) -> None:
    with server.client() as c:
        c.timeout = 20  # a frozen loop shows up as a timeout here, on the old engine
        created = c.post(
            "/api/flows", json={"name": "redos", "data": _condition_flow(CATASTROPHIC)}
        )
        assert created.status_code == 201, created.text
        run = c.post(f"/api/flows/{created.json()['id']}/runs", json={}).json()["run"]
        health = []
        for _ in range(600):
            health.append(c.get("/api/health").status_code)
            run = c.get(f"/api/flows/runs/{run['id']}").json()
            if run["status"] in TERMINAL:
                break
        assert run["status"] == "succeeded", run
        nodes = by_id(run)
        assert nodes["check"]["output"] == "false"
        assert nodes["no"]["status"] == "succeeded" and nodes["yes"]["status"] == "skipped"
        assert health and set(health) == {200}
        assert c.get("/api/health").status_code == 200
