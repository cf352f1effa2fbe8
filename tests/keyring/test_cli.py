"""`forge-orchestrator keys …` as a user runs it: a real subprocess on a temp data dir."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from forge_orchestrator.db.engine import make_engine
from forge_orchestrator.keyring.factory import open_store
from tests.conftest import make_settings

from .conftest import OTHER_SECRET, SECRET, db_bytes


def keys(data_dir: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FORGE_")}
    # The keyring package's own switch: no OS keyring, as on CI.
    env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "forge_orchestrator.cli",
            "keys",
            *args,
            "--data-dir",
            str(data_dir),
        ],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )


def stored(data_dir: Path, name: str) -> str | None:
    engine = make_engine(f"sqlite:///{data_dir / 'forge.db'}")
    try:
        return open_store(make_settings(data_dir), engine).get(name)
    finally:
        engine.dispose()


def test_set_list_delete_rotate(data_dir: Path) -> None:
    res = keys(data_dir, "set", "openai", stdin=SECRET + "\n")
    assert res.returncode == 0, res.stderr
    assert SECRET not in res.stdout + res.stderr
    assert "••••" + SECRET[-4:] in res.stdout
    assert keys(data_dir, "set", "anthropic", stdin=OTHER_SECRET).returncode == 0
    assert stored(data_dir, "openai") == SECRET  # trailing newline from the pipe is dropped

    listed = keys(data_dir, "list")
    assert listed.returncode == 0
    assert "openai" in listed.stdout and "anthropic" in listed.stdout
    assert "Encrypted in the local database" in listed.stdout
    assert SECRET not in listed.stdout and OTHER_SECRET not in listed.stdout

    old_key = (data_dir / "master.key").read_bytes()
    rotated = keys(data_dir, "rotate-master")
    assert rotated.returncode == 0, rotated.stderr
    assert "re-encrypted 2 value(s)" in rotated.stdout
    assert (data_dir / "master.key").read_bytes() != old_key
    assert stored(data_dir, "openai") == SECRET and stored(data_dir, "anthropic") == OTHER_SECRET

    assert keys(data_dir, "delete", "openai").returncode == 0
    assert stored(data_dir, "openai") is None
    again = keys(data_dir, "delete", "openai")
    assert again.returncode == 1 and "No key named 'openai'" in again.stderr
    assert SECRET.encode() not in db_bytes(data_dir)


def test_errors_are_messages_not_tracebacks(data_dir: Path) -> None:
    bad = keys(data_dir, "set", "Not Valid", stdin="x")
    assert bad.returncode == 1
    assert bad.stderr.startswith("error: A key name uses only") and "Traceback" not in bad.stderr
    empty = keys(data_dir, "set", "openai", stdin="\n")
    assert empty.returncode == 1 and "empty" in empty.stderr

    assert keys(data_dir, "set", "openai", stdin=SECRET).returncode == 0
    (data_dir / "master.key").chmod(0o640)
    refused = keys(data_dir, "set", "anthropic", stdin=OTHER_SECRET)
    assert refused.returncode == 1 and "chmod 600" in refused.stderr
    assert "Traceback" not in refused.stderr


def test_empty_list_says_how_to_add_a_key(data_dir: Path) -> None:
    res = keys(data_dir, "list")
    assert res.returncode == 0 and "forge-orchestrator keys set <name>" in res.stdout
