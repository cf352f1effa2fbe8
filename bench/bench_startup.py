"""Start-up time of `forge-orchestrator serve` until /api/health answers, beside a bare uvicorn app.

Also prints the gzipped size of the JavaScript the first page loads (target <= 300 KB).
"""

from __future__ import annotations

import gzip
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
RUNS = 5
BARE_APP = """
from fastapi import FastAPI
app = FastAPI()
@app.get("/api/health")
def health():
    return {"status": "ok"}
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def time_until_healthy(cmd: list[str], port: int, env: dict[str, str], cwd: str) -> float:
    start = time.perf_counter()
    proc = subprocess.Popen(
        cmd,
        env=env,
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=0.5).status_code == 200:
                    return (time.perf_counter() - start) * 1000
            except httpx.HTTPError:
                pass
            if proc.poll() is not None:
                raise RuntimeError(f"{cmd[:3]} exited with {proc.returncode}")
            time.sleep(0.005)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=15)


def startup_ms() -> tuple[list[float], list[float], list[float]]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FORGE_")}
    forge_first, forge_warm, bare = [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        Path(tmp, "bare_app.py").write_text(BARE_APP)
        for i in range(RUNS):
            port = free_port()
            bare_cmd = [
                sys.executable,
                "-m",
                "uvicorn",
                "bare_app:app",
                "--port",
                str(port),
                "--log-level",
                "warning",
            ]
            bare.append(time_until_healthy(bare_cmd, port, env, tmp))
            data = Path(tmp, f"data{i}")
            for bucket in (forge_first, forge_warm):  # empty data dir (migrations), then existing
                port = free_port()
                cmd = [sys.executable, "-m", "forge_orchestrator.cli", "serve", "--no-browser",
                       "--port", str(port), "--data-dir", str(data)]  # fmt: skip
                bucket.append(time_until_healthy(cmd, port, env, str(ROOT)))
    return forge_first, forge_warm, bare


def initial_js_gzip_kb() -> tuple[float, list[str]]:
    static = ROOT / "forge_orchestrator" / "static"
    index = (static / "index.html").read_text()
    scripts = re.findall(r'(?:src|href)="/?(assets/[^"]+\.js)"', index)
    total = sum(len(gzip.compress((static / s).read_bytes(), 9)) for s in scripts)
    return total / 1024, scripts


def main() -> None:
    first, warm, bare = startup_ms()
    med = statistics.median
    print(f"serve -> /api/health answers, median of {RUNS} runs:")
    print(f"  forge, empty data dir (runs migrations): {med(first):7.0f} ms")
    print(f"  forge, existing data dir:                 {med(warm):7.0f} ms")
    print(f"  baseline: bare FastAPI app under uvicorn: {med(bare):7.0f} ms")
    print(f"  forge overhead over baseline (warm):      {med(warm) - med(bare):7.0f} ms")
    if (ROOT / "forge_orchestrator" / "static" / "index.html").exists():
        kb, scripts = initial_js_gzip_kb()
        print(
            f"initial JavaScript (gzip -9): {kb:.1f} KB in {len(scripts)} file(s)"
            " (target <= 300 KB)"
        )


if __name__ == "__main__":
    main()
