"""`python -m build` produces a wheel that ships the built web app."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def test_wheel_contains_the_built_app(tmp_path: Path) -> None:
    if not (ROOT / "forge_orchestrator" / "static" / "index.html").exists():
        pytest.fail("frontend not built: run `make build` first (make test does)")
    src = tmp_path / "src"
    # Build from a copy so the working tree gains no build/ or egg-info litter.
    shutil.copytree(
        ROOT,
        src,
        ignore=shutil.ignore_patterns(
            ".venv", "node_modules", ".git", "*.egg-info", "build", "dist", "__pycache__"
        ),
    )
    subprocess.run(
        [
            sys.executable,
            "-m",
            "build",
            "--wheel",
            "--no-isolation",
            "--outdir",
            str(tmp_path / "dist"),
            str(src),
        ],
        check=True,
        capture_output=True,
    )
    wheel = next((tmp_path / "dist").glob("forge_orchestrator-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert "forge_orchestrator/static/index.html" in names
    assert any(
        n.startswith("forge_orchestrator/static/assets/") and n.endswith(".js") for n in names
    )
    assert any(n.startswith("forge_orchestrator/db/migrations/versions/0001") for n in names)
