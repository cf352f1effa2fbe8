"""Flow shell steps: a node's output (untrusted, e.g. an LLM's) is bound in the environment and
referenced, never put in the command; the recorded input is exactly what ran; a nested spot fails."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from .helpers import by_id, edge, flow, run_flow, shell

HOSTILE = "x`;touch {m};`y $(touch {m}) '; touch {m}; ' \"; touch {m}\" \n touch {m}"


def test_hostile_node_output_arrives_exactly_and_runs_nothing(
    client: TestClient, tmp_path: Path
) -> None:
    marker = tmp_path / "pwned"
    hostile = HOSTILE.replace("{m}", str(marker))
    (tmp_path / "out.txt").write_text(hostile)
    data = flow(
        [
            shell("a", f"cat {tmp_path / 'out.txt'}"),
            shell("plain", "printf '%s' {{ nodes.a.output }}"),
            shell("default", "printf '%s' \"${UNSET:-{{ nodes.a.output }}}\""),
            shell("ticks", "x=`printf %s. {{ nodes.a.output }}`; printf '%s' \"$x\""),
            shell("comment", "echo ok # {{ nodes.a.output }}"),
        ],
        [edge("a", "plain"), edge("a", "default"), edge("a", "ticks"), edge("a", "comment")],
    )
    run = run_flow(client, data)
    assert run["status"] == "succeeded", run
    nodes = by_id(run)
    assert not marker.exists()
    assert nodes["plain"]["output"] == hostile
    assert nodes["default"]["output"] == hostile
    assert nodes["ticks"]["output"] == hostile + "."
    assert nodes["comment"]["output"] == "ok\n"
    # What the node records is exactly what ran: a reference, not the value.
    assert nodes["plain"]["input"] == "printf '%s' \"${FORGE_REF_1}\""
    assert hostile not in nodes["default"]["input"]


def test_a_node_output_inside_a_nested_interpreter_fails_the_step(
    client: TestClient, tmp_path: Path
) -> None:
    marker = tmp_path / "pwned"
    data = flow(
        [
            shell("a", f"echo 'hi; touch {marker}'"),
            shell("b", "bash -c 'echo {{ nodes.a.output }}'"),
        ],
        [edge("a", "b")],
    )
    run = run_flow(client, data)
    assert run["status"] == "failed"
    b = by_id(run)["b"]
    assert b["status"] == "failed"
    assert "nested interpreter" in b["error"] and "nodes.a.output" in b["error"]
    assert not marker.exists()
