"""Headless runs: `forge-orchestrator flows run|validate` print progress and set the exit code."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from forge_orchestrator.cli import main
from forge_orchestrator.db.engine import make_engine
from forge_orchestrator.db.migrate import upgrade
from forge_orchestrator.flows.models import FlowCreate
from forge_orchestrator.flows.store import create_flow
from tests.conftest import make_settings

from .helpers import edge, flow, in_tx, node, shell


def write(tmp_path: Path, data: object, name: str = "flow.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data))
    return path


def test_run_a_flow_file_as_a_real_command(tmp_path: Path) -> None:
    data = flow(
        [shell("hello", "echo hello {{ inputs.who }}"), shell("bye", "echo bye")],
        [edge("hello", "bye")],
        inputs=[{"name": "who", "required": True}],
    )
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "forge_orchestrator.cli",
            "flows",
            "run",
            str(write(tmp_path, data)),
            "--input",
            "who=world",
            "--data-dir",
            str(tmp_path / "data"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "✓ hello" in out and "✓ bye" in out
    assert "hello: hello world" in out
    assert out.index("✓ hello") < out.index("▶ bye")
    assert "succeeded" in out.splitlines()[-1]


def test_failed_run_exits_non_zero(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = flow(
        [shell("boom", "echo bad >&2; exit 5"), shell("after", "true")], [edge("boom", "after")]
    )
    code = main(["flows", "run", str(write(tmp_path, data)), "--data-dir", str(tmp_path / "d")])
    out = capsys.readouterr().out
    assert code == 1
    assert "✗ boom" in out and "Exited with code 5: bad" in out
    assert "↷ after" in out


def test_approval_without_a_terminal_is_rejected_unless_auto_approved(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(
        tmp_path, flow([node("gate", "approval"), shell("go", "echo went")], [edge("gate", "go")])
    )
    assert main(["flows", "run", str(path), "--data-dir", str(tmp_path / "d")]) == 1
    assert "no terminal to ask" in capsys.readouterr().out
    assert (
        main(["flows", "run", str(path), "--auto-approve", "--data-dir", str(tmp_path / "d")]) == 0
    )
    assert "go: went" in capsys.readouterr().out


def test_run_a_saved_flow_by_id_and_missing_inputs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data_dir = tmp_path / "d"
    engine = make_engine(make_settings(data_dir).resolved_database_url)
    upgrade(engine)
    data = flow([shell("a", "echo n={{ inputs.n }}")], [], inputs=[{"name": "n", "required": True}])
    saved = in_tx(engine, lambda c: create_flow(c, FlowCreate(name="saved", data=data)))
    engine.dispose()
    assert main(["flows", "run", str(saved.id), "--data-dir", str(data_dir)]) == 2
    assert "inputs.n: required" in capsys.readouterr().err
    assert main(["flows", "run", str(saved.id), "--input", "n=4", "--data-dir", str(data_dir)]) == 0
    out = capsys.readouterr().out
    assert "of 'saved' started" in out and "a: n=4" in out


def test_validate_lists_problems_by_node_and_field(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = flow(
        [shell("a", "echo {{ nodes.b.output }}"), shell("b", "true")],
        [edge("a", "b"), edge("b", "a")],
    )
    assert main(["flows", "validate", str(write(tmp_path, bad))]) == 1
    err = capsys.readouterr().err
    assert "node a, edges: part of a cycle" in err
    good = flow([shell("a", "true")], [])
    assert main(["flows", "validate", str(write(tmp_path, good, "ok.json"))]) == 0
    assert "valid (1 steps" in capsys.readouterr().out
