"""Named shapes run through the real engine: chain, diamond, fan-out/fan-in, failing branch."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from .helpers import by_id, edge, flow, max_concurrency, overlapping, run_flow, shell


def rendezvous(marker_dir: Path, me: str, count: int) -> str:
    """Waits (up to 10 s) until `count` steps have arrived: passes only if they run together."""
    return (
        f"touch {marker_dir}/{me}; n=0; "
        f'until [ "$(ls {marker_dir} | wc -l)" -ge {count} ]; do '
        "n=$((n+1)); [ $n -gt 200 ] && exit 1; sleep 0.05; done"
    )


def test_chain_passes_output_downstream_in_order(client: TestClient) -> None:
    data = flow(
        [
            shell("a", "echo alpha"),
            shell("b", "echo {{ nodes.a.output }}-beta"),
            shell("c", "echo {{ nodes.b.output }}-gamma; exit {{ nodes.a.exit_code }}"),
        ],
        [edge("a", "b"), edge("b", "c")],
    )
    run = run_flow(client, data)
    assert run["status"] == "succeeded"
    nodes = by_id(run)
    assert nodes["c"]["output"] == "alpha-beta-gamma\n"
    assert nodes["a"]["finished_at"] <= nodes["b"]["started_at"]
    assert nodes["b"]["finished_at"] <= nodes["c"]["started_at"]
    assert all(n["attempts"] == 1 and n["exit_code"] == 0 for n in run["nodes"])
    assert run["totals"]["duration_ms"] is not None


def test_diamond_runs_middle_branches_concurrently(client: TestClient, tmp_path: Path) -> None:
    meet = tmp_path / "meet"
    meet.mkdir()
    data = flow(
        [
            shell("top", "echo start"),
            shell("left", rendezvous(meet, "left", 2) + "; echo L"),
            shell("right", rendezvous(meet, "right", 2) + "; echo R"),
            shell("bottom", "echo {{ nodes.left.output }}{{ nodes.right.output }}"),
        ],
        [
            edge("top", "left"),
            edge("top", "right"),
            edge("left", "bottom"),
            edge("right", "bottom"),
        ],
    )
    run = run_flow(client, data)
    assert run["status"] == "succeeded", run
    nodes = by_id(run)
    assert overlapping(run, ["left", "right"])
    assert nodes["bottom"]["output"] == "LR\n"
    assert nodes["bottom"]["started_at"] >= max(
        nodes["left"]["finished_at"], nodes["right"]["finished_at"]
    )


def test_fan_out_fan_in_runs_branches_in_parallel(client: TestClient, tmp_path: Path) -> None:
    meet = tmp_path / "meet"
    meet.mkdir()
    branches = [f"b{i}" for i in range(4)]
    data = flow(
        [shell("src", "echo go")]
        + [shell(b, rendezvous(meet, b, 4)) for b in branches]
        + [shell("sink", "ls " + str(meet) + " | wc -l")],
        [edge("src", b) for b in branches] + [edge(b, "sink") for b in branches],
        max_parallel=4,
    )
    run = run_flow(client, data)
    assert run["status"] == "succeeded", run
    assert overlapping(run, branches)
    assert by_id(run)["sink"]["output"].strip() == "4"


def test_max_parallel_caps_concurrent_steps(client: TestClient) -> None:
    steps = [shell(f"s{i}", "sleep 0.2") for i in range(5)]
    run = run_flow(client, flow(steps, [], max_parallel=2))
    assert run["status"] == "succeeded"
    assert max_concurrency(run) == 2


def test_failing_branch_skips_its_downstream_and_fails_the_run(client: TestClient) -> None:
    data = flow(
        [
            shell("start", "echo ok"),
            shell("bad", "echo broken >&2; exit 7"),
            shell("after_bad", "echo never"),
            shell("deeper", "echo never"),
            shell("good", "echo fine"),
            shell("join", "echo never"),
        ],
        [
            edge("start", "bad"),
            edge("bad", "after_bad"),
            edge("after_bad", "deeper"),
            edge("start", "good"),
            edge("good", "join"),
            edge("deeper", "join"),
        ],
    )
    run = run_flow(client, data)
    assert run["status"] == "failed"
    assert "bad" in run["error"]
    nodes = by_id(run)
    assert nodes["bad"]["status"] == "failed"
    assert nodes["bad"]["exit_code"] == 7
    assert "broken" in nodes["bad"]["error"] and nodes["bad"]["stderr"] == "broken\n"
    for skipped in ("after_bad", "deeper", "join"):
        assert nodes[skipped]["status"] == "skipped"
        assert nodes[skipped]["started_at"] is None
    assert "bad" in nodes["after_bad"]["error"]
    # The independent branch still ran.
    assert nodes["good"]["status"] == "succeeded"


def test_continue_on_error_lets_downstream_run(client: TestClient) -> None:
    data = flow(
        [
            shell("flaky", "exit 3", continue_on_error=True),
            shell("next", "echo {{ nodes.flaky.exit_code }}"),
        ],
        [edge("flaky", "next")],
    )
    run = run_flow(client, data)
    assert run["status"] == "succeeded"
    nodes = by_id(run)
    assert nodes["flaky"]["status"] == "failed"
    assert nodes["next"]["output"] == "3\n"
