"""Flow shell steps cap their stored output by the same rule as command runs."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from forge_orchestrator.app import create_app

from ..conftest import BASE_URL, TOKEN, make_settings
from .helpers import by_id, flow, run_flow, shell


def test_a_flow_shell_step_keeps_head_and_tail_of_long_output(tmp_path: Path) -> None:
    # The same rule as command runs: head and tail by bytes around a marker (the old flow
    # cap kept the first cap characters and dropped the tail, where errors usually are).
    settings = make_settings(tmp_path / "data", command_output_cap_bytes=1024)
    app = create_app(settings)
    command = (
        "printf HEAD; head -c 5000 /dev/zero | tr '\\0' x; printf TAIL; printf 'é%.0s' $(seq 900)"
    )
    with TestClient(app, base_url=BASE_URL, headers={"Authorization": f"Bearer {TOKEN}"}) as c:
        run = run_flow(c, flow([shell("big", command)], []))
    rec = by_id(run)["big"]
    assert run["status"] == "succeeded", run
    out = rec["output"]
    assert out.startswith("HEAD") and out.endswith("é")
    assert "bytes omitted" in out
    kept = out.replace(out[out.index("\n\n[…") : out.index("…]\n\n") + 5], "")
    # Counted in bytes: 900 two-byte characters alone would pass a 1024-character cap.
    assert len(kept.encode()) <= 1024
