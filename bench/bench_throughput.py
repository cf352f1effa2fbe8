"""Read routes under concurrency: wrk against the real `serve` beside a bare FastAPI floor.

Run: .venv/bin/python bench/bench_throughput.py [--seconds 8] [--conns 1,32] [--repeats 1]
                                               [--baseline /path/to/other/checkout]
Needs Debian's wrk (`apt-get install wrk`). Seeds 100 ledger rows and 100 cards, then measures
GET /api/health, /api/ledger?limit=50 and /api/commands at each connection count. The floor is a
bare FastAPI app answering the same JSON under the same uvicorn settings. With --baseline, a
second `serve` runs from that checkout (PYTHONPATH) and its cells are interleaved with these,
so both are measured under the same load of a shared machine.
Targets (issue #16): c=32 >= c=1 on every route; health within 1.5x of the floor at c=32;
ledger and commands at least 4x the figures measured before the change (321 and 129 req/s at c=32).
"""

from __future__ import annotations

import argparse
import os
import random
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from forge_orchestrator.db.engine import make_engine  # noqa: E402
from forge_orchestrator.db.migrate import upgrade  # noqa: E402
from forge_orchestrator.db.utils import utcnow  # noqa: E402
from forge_orchestrator.ledger.recorder import record_many  # noqa: E402

sys.path.insert(0, str(ROOT / "bench"))
from bench_commands import wait_idle  # noqa: E402

BARE_APP = """
from fastapi import FastAPI
app = FastAPI()
@app.get("/api/health")
async def health():
    return {"status": "ok", "version": "0", "database": "ok"}
"""
ROUTES = ["/api/health", "/api/ledger?limit=50", "/api/commands"]
BEFORE_C32 = {"/api/ledger?limit=50": 321.0, "/api/commands": 129.0}  # issue #16's figures


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_healthy(proc: subprocess.Popen[bytes], port: int, poll_s: float = 0.05) -> None:
    """Until /api/health answers 200 (``poll_s`` apart; bench_startup polls finer to time it)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=0.5).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        if proc.poll() is not None:
            raise RuntimeError(f"{proc.args!r} exited with {proc.returncode}")
        time.sleep(poll_s)
    raise RuntimeError("server did not become healthy in 60 s")


def seed(data_dir: Path, token: str, port: int) -> None:
    rnd = random.Random(7)
    now = utcnow()
    rows = [
        {
            "timestamp": now,
            "provider": "openai",
            "model_used": "gpt-6-luna",
            "model_requested": "gpt-6-luna",
            "input_tokens": rnd.randint(50, 4000),
            "output_tokens": rnd.randint(10, 900),
            "total_cost_usd": 0.001 * i,
            "latency_ms": rnd.randint(100, 3000),
            "status": "SUCCESS",
            "prompt_hash": f"{i:064x}",
        }
        for i in range(100)
    ]
    engine = make_engine(f"sqlite:///{data_dir / 'forge.db'}")
    upgrade(engine)
    record_many(engine, rows)
    engine.dispose()
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", headers=headers) as client:
        for i in range(100):
            body = {
                "name": f"card {i}",
                "command": f"ls -la /tmp/dir{i} | grep -c x{i}",
                "description": "seeded by bench_throughput",
                "tags": ["bench", f"t{i % 5}"],
            }
            client.post("/api/commands", json=body).raise_for_status()


def wrk(url: str, conns: int, seconds: int, token: str | None) -> float:
    cmd = ["wrk", "-t", str(min(conns, 2)), "-c", str(conns), "-d", f"{seconds}s", "--latency"]
    if token:
        cmd += ["-H", f"Authorization: Bearer {token}"]
    out = subprocess.run([*cmd, url], capture_output=True, text=True, check=True).stdout
    if "Non-2xx" in out:
        raise RuntimeError(f"wrk saw errors on {url}:\n{out}")
    match = re.search(r"Requests/sec:\s+([\d.]+)", out)
    if not match:
        raise RuntimeError(f"no Requests/sec in wrk output:\n{out}")
    return float(match.group(1))


def start(cmd: list[str], env: dict[str, str], cwd: str, port: int) -> subprocess.Popen[bytes]:
    started = time.perf_counter()
    proc = subprocess.Popen(
        cmd, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True,
    )  # fmt: skip
    wait_healthy(proc, port)
    print(f"  {cmd[2]} from {cwd}: healthy after {time.perf_counter() - started:.2f} s")
    return proc


def start_forge(tree: Path, data: Path, env: dict[str, str], token: str) -> tuple[Any, int]:
    port = free_port()
    data.mkdir(mode=0o700)
    forge_env = {**env, "FORGE_TOKEN": token, "FORGE_LOG_LEVEL": "warning", "PYTHONPATH": str(tree)}
    proc = start(
        [sys.executable, "-m", "forge_orchestrator.cli", "serve", "--no-browser",
         "--port", str(port), "--data-dir", str(data)],
        forge_env, str(tree), port,
    )  # fmt: skip
    return proc, port


def stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
    proc.wait(timeout=15)


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--conns", default="1,32")
    parser.add_argument("--repeats", type=int, default=1, help="cells per figure (median shown)")
    parser.add_argument("--baseline", type=Path, help="another checkout to measure beside this")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed (Debian: apt-get install wrk)")
    conns = [int(c) for c in args.conns.split(",")]
    token = secrets.token_urlsafe(32)
    env = {k: v for k, v in os.environ.items() if not k.startswith("FORGE_")}
    tmp = Path(tempfile.mkdtemp(prefix="forge-bench-wrk-"))
    procs: list[subprocess.Popen[bytes]] = []
    try:
        Path(tmp, "bare_app.py").write_text(BARE_APP)
        bare_port = free_port()
        bare = start(
            [sys.executable, "-m", "uvicorn", "bare_app:app", "--port", str(bare_port),
             "--log-level", "warning", "--no-access-log"],
            env, str(tmp), bare_port,
        )  # fmt: skip
        procs.append(bare)
        servers = {"forge": start_forge(ROOT, tmp / "data", env, token)}
        if args.baseline:
            servers["base"] = start_forge(args.baseline.resolve(), tmp / "base", env, token)
        procs += [proc for proc, _ in servers.values()]
        for name, (_, port) in servers.items():
            seed(tmp / ("data" if name == "forge" else "base"), token, port)
        for name, (proc, _) in servers.items():
            # Measure settled servers: start-up work (the SDK warm-up thread) is over.
            wait_idle(proc.pid)
            print(f"{name} serve idle RSS after seeding: {rss_mib(proc.pid):.0f} MiB")
        print(f"bare FastAPI idle RSS: {rss_mib(bare.pid):.0f} MiB")
        results: dict[tuple[str, str, int], list[float]] = {}
        for _ in range(args.repeats):
            for c in conns:
                url = f"http://127.0.0.1:{bare_port}/api/health"
                results.setdefault(("floor", "/api/health", c), []).append(
                    wrk(url, c, args.seconds, None)
                )
                for route in ROUTES:
                    for name, (_, port) in servers.items():
                        url = f"http://127.0.0.1:{port}{route}"
                        results.setdefault((name, route, c), []).append(
                            wrk(url, c, args.seconds, token)
                        )
        med = {k: statistics.median(v) for k, v in results.items()}
        spread = {k: (min(v), max(v)) for k, v in results.items()}
        print(f"req/s, wrk {args.seconds} s cells, median of {args.repeats} (min-max):")
        header = "".join(f"{'c=' + str(c):>24}" for c in conns)
        print(f"  {'route':<34}{header}")
        rows = [("floor", "/api/health")] + [(n, r) for r in ROUTES for n in sorted(servers)]
        for who, route in rows:
            cells = ""
            for c in conns:
                lo, hi = spread[(who, route, c)]
                cells += f"{med[(who, route, c)]:>10.0f} ({lo:.0f}-{hi:.0f})".rjust(24)
            print(f"  {who + ' ' + route:<34}{cells}")
        top = max(conns)
        print("targets:")
        for route in ROUTES:
            ok = med[("forge", route, top)] >= med[("forge", route, min(conns))]
            print(f"  {route}: c={top} >= c={min(conns)}: {'met' if ok else 'NOT met'}")
        ratio = med[("floor", "/api/health", top)] / med[("forge", "/api/health", top)]
        print(f"  /api/health at c={top}: floor/forge = {ratio:.2f}x (target <= 1.5x)")
        for route, before in BEFORE_C32.items():
            gain = med[("forge", route, top)] / before
            print(
                f"  {route} at c={top}: {gain:.1f}x the issue's {before:.0f} req/s (target >= 4x)"
            )
            if "base" in servers:
                same_run = med[("forge", route, top)] / med[("base", route, top)]
                print(f"  {route} at c={top}: {same_run:.1f}x the baseline in this run")
    finally:
        for proc in procs:
            stop(proc)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
