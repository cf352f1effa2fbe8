"""schemathesis against the app's own OpenAPI schema: every operation, authenticated, no 5xx,
errors in the one JSON shape, responses conforming to the schema.

Operations that execute processes (command runs, flow runs, terminal sessions) are excluded from
random generation — random strings must not become shell commands on the developer's machine;
tests/robustness/test_injection.py covers their inputs deliberately instead.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.e2e.harness import TOKEN, ServerProcess
from tests.fakes.llm_server import FakeLLMServer, Reply

from .load import ARCHITECT_ANSWER

# Provider URL settings are excluded too: fuzzed base URLs would make the server reach out to
# arbitrary hosts. Every provider the server knows points at the loopback fake instead.
EXCLUDED = (
    r"^/api/(commands/run|flows/\{flow_id\}/runs|flows/runs/.*/resume|terminal/sessions"
    r"|settings/providers.*)$"
)


@pytest.mark.parametrize(
    "max_examples",
    [pytest.param(int(os.environ.get("FORGE_FUZZ_EXAMPLES", "12")), id="bounded"),
     pytest.param(200, id="soak", marks=pytest.mark.soak)],
)  # fmt: skip
def test_schemathesis_finds_no_server_errors_or_schema_violations(
    tmp_path: Path, max_examples: int, fake_llm: FakeLLMServer
) -> None:
    # The fake answers like a well-behaved model, so 5xx can only come from Forge itself.
    fake_llm.default = Reply(text=ARCHITECT_ANSWER)
    env = {
        "OPENAI_BASE_URL": fake_llm.openai_base_url,
        "ANTHROPIC_BASE_URL": fake_llm.anthropic_base_url,
    }
    server = ServerProcess(data_dir=tmp_path / "data", env=env).start()
    report = tmp_path / "report.json"
    try:
        proc = subprocess.run(
            [
                sys.executable, "-m", "schemathesis.cli", "run", f"{server.base_url}/api/openapi.json",
                "--header", f"Authorization: Bearer {TOKEN}",
                "--checks", "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance",
                "--exclude-path-regex", EXCLUDED,
                "--max-examples", str(max_examples),
                "--seed", "20261124",
                "--phases", "examples,coverage,fuzzing",
                # One worker: with several threads, CPython 3.11's ast.parse (which hypothesis
                # calls to describe filters) can fail with a spurious "AST constructor recursion
                # depth mismatch" SystemError (python/cpython#106905).
                "--workers", "1",
                "--request-timeout", "30",
                "--report", "json", "--report-json-path", str(report),
                "--no-color",
            ],
            capture_output=True, text=True, timeout=900,
        )  # fmt: skip
        print(proc.stdout[-6000:])
        assert proc.returncode == 0, proc.stdout[-8000:] + proc.stderr[-2000:]
        assert server.proc is not None and server.proc.poll() is None, (
            "the server died during fuzzing"
        )
    finally:
        server.stop()
    if report.exists():
        data = json.loads(report.read_text())
        print("schemathesis report keys:", sorted(data)[:10])


def test_error_responses_share_one_shape_under_fuzzing(tmp_path: Path) -> None:
    """Malformed bodies against every JSON operation: 4xx, never 5xx, always the error shape."""
    import httpx

    server = ServerProcess(data_dir=tmp_path / "data").start()
    try:
        with httpx.Client(
            base_url=server.base_url, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=30
        ) as c:
            schema = c.get("/api/openapi.json").json()
            tried = 0
            for path, ops in schema["paths"].items():
                concrete = path.replace("{", "").replace("}", "")
                concrete = "/".join(
                    "1" if part.endswith("_id") or part == "id" else part
                    for part in concrete.split("/")
                )
                for method, op in ops.items():
                    if method not in ("post", "put", "patch") or "requestBody" not in op:
                        continue
                    if concrete.startswith("/api/terminal/sessions"):
                        continue
                    for body in (
                        b"{",
                        b"[]",
                        b'"text"',
                        b'{"a": ' + b"[" * 2000 + b"]" * 2000 + b"}",
                        b"\xff\xfe",
                    ):
                        res = c.request(
                            method.upper(),
                            concrete,
                            content=body,
                            headers={"Content-Type": "application/json"},
                        )
                        tried += 1
                        assert res.status_code < 500, (
                            method,
                            concrete,
                            body[:20],
                            res.status_code,
                            res.text[:300],
                        )
                        assert set(res.json()) == {"error"}, (method, concrete, res.text[:300])
            assert tried > 20
            assert c.get("/api/health").json()["status"] == "ok"
    finally:
        server.stop()
