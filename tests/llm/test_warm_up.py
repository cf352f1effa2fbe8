"""The warm-up loads the SDKs of the providers that can be called, and no others."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
# A fresh interpreter: this test process has imported every SDK already.
PROGRAM = """
import json, sys
from pathlib import Path
from forge_orchestrator.db.engine import make_engine
from forge_orchestrator.db.migrate import upgrade
from forge_orchestrator.llm import component
from tests.conftest import make_settings
data = Path(sys.argv[1])
engine = make_engine(f"sqlite:///{data / 'w.db'}")
upgrade(engine)
component._warm_up(component.build_gateway(engine, make_settings(data / "d")))
sdks = ("openai", "anthropic", "google.genai")
print(json.dumps({m: m in sys.modules for m in sdks}))
"""


def loaded_after_warm_up(tmp_path: Path, keys: dict[str, str]) -> dict[str, bool]:
    env = {k: v for k, v in os.environ.items() if not k.endswith("_API_KEY")}
    env = {k: v for k, v in env.items() if not k.startswith("FORGE_")}
    out = subprocess.run(
        [sys.executable, "-c", PROGRAM, str(tmp_path)],
        env={**env, **keys, "PYTHONPATH": str(REPO)},
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    ).stdout
    loaded: dict[str, bool] = json.loads(out.strip().splitlines()[-1])
    return loaded


@pytest.mark.parametrize(
    ("keys", "expected"),
    [
        ({}, {"openai": False, "anthropic": False, "google.genai": False}),
        (
            {"ANTHROPIC_API_KEY": "sk-ant-test-0123456789"},
            {"openai": False, "anthropic": True, "google.genai": False},
        ),
        (
            {"OPENAI_API_KEY": "sk-test-0123456789abcdef"},
            {"openai": True, "anthropic": False, "google.genai": False},
        ),
    ],
)
def test_only_the_sdks_of_providers_with_a_key_are_loaded(
    tmp_path: Path, keys: dict[str, str], expected: dict[str, bool]
) -> None:
    assert loaded_after_warm_up(tmp_path, keys) == expected
