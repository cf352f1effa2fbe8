"""Benchmark the command runner: API overhead of a trivial run, and output throughput.

(a) POST /api/commands/run of `true`, then wait on the run's SSE stream for its final status,
    against subprocess.run(["bash", "-c", "true"]) in this process: added p50 (target <= 10 ms).
(b) A 100 MB producer through the runner in MB/s (target >= 200): run_process in this process,
    and the full server path; beside the same producer piped into `cat > /dev/null`.

The server is a real `forge-orchestrator serve` process on loopback (uvicorn, as users run it).
Run: .venv/bin/python bench/bench_commands.py [--runs 50] [--megabytes 100]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from forge_orchestrator.commands.process import run_process

TOKEN = "bench-token-0123456789abcdef0123456789abcdef"
MB = 1000 * 1000
CAP = 1024 * 1024
PRODUCER = "yes 0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ | head -c {n}"
FINAL = {"succeeded", "failed", "timed_out", "cancelled", "interrupted"}


def p50(values: list[float]) -> float:
    return statistics.median(values)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(data_dir: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("FORGE_")}
    env.update(FORGE_TOKEN=TOKEN, FORGE_KEYRING="encrypted", FORGE_DATA_DIR=str(data_dir))
    cmd = [sys.executable, "-m", "forge_orchestrator.cli", "serve", "--no-browser", "--port"]
    proc = subprocess.Popen([*cmd, str(port)], env=env, stdout=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    for _ in range(1200):
        try:
            if httpx.get(f"{url}/api/health", timeout=1).status_code == 200:
                return proc, url
        except httpx.HTTPError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("server did not start")


def run_via_api(client: httpx.Client, command: str) -> dict[str, Any]:
    """Start a run and follow its SSE stream until the final status arrives."""
    run: dict[str, Any] = client.post("/api/commands/run", json={"command": command}).json()["run"]
    with client.stream("GET", f"/api/commands/runs/{run['id']}/events") as stream:
        event = ""
        for line in stream.iter_lines():
            if line.startswith("event:"):
                event = line[6:].strip()
            elif line.startswith("data:") and event == "status":
                run = json.loads(line[5:])["run"]
                if run["status"] in FINAL:
                    return run
    raise RuntimeError("stream ended without a final status")


def latency(client: httpx.Client, runs: int) -> tuple[list[float], list[float]]:
    base: list[float] = []
    api: list[float] = []
    for _ in range(runs):  # interleaved, so load from other processes hits both alike
        start = time.perf_counter()
        subprocess.run(["bash", "-c", "true"], check=True)
        base.append((time.perf_counter() - start) * 1000)
        start = time.perf_counter()
        run = run_via_api(client, "true")
        api.append((time.perf_counter() - start) * 1000)
        assert run["status"] == "succeeded", run
    return base, api


def cat_rate(total: int) -> float:
    start = time.perf_counter()
    subprocess.run(["bash", "-c", PRODUCER.format(n=total) + " | cat > /dev/null"], check=True)
    return total / MB / (time.perf_counter() - start)


def runner_rate(total: int) -> tuple[float, float]:
    """(MB/s wall clock, MB per CPU second spent in this process by the runner)."""

    async def go() -> tuple[float, float]:
        cpu = time.process_time()
        start = time.perf_counter()
        result = await run_process(PRODUCER.format(n=total), timeout_s=600, output_cap=CAP)
        elapsed = time.perf_counter() - start
        cpu = time.process_time() - cpu
        assert result.output_bytes == total and result.truncated
        return total / MB / elapsed, total / MB / max(cpu, 1e-9)

    return asyncio.run(go())


def api_rate(client: httpx.Client, total: int) -> float:
    """No live viewer here: polled slowly, so the figure is the server's, not this client's."""
    start = time.perf_counter()
    run = client.post("/api/commands/run", json={"command": PRODUCER.format(n=total)}).json()["run"]
    while run["status"] not in FINAL:
        time.sleep(0.05)
        run = client.get(f"/api/commands/runs/{run['id']}").json()
    elapsed = time.perf_counter() - start
    assert run["output_bytes"] == total, run["output_bytes"]
    return total / MB / elapsed


def cpu_ticks(pid: int) -> int:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime + stime


def wait_idle(pid: int, quiet_s: float = 1.0, limit_s: float = 30.0) -> None:
    """Until the server's start-up work is over: no CPU tick for ``quiet_s``."""
    deadline, last, quiet_since = time.monotonic() + limit_s, cpu_ticks(pid), time.monotonic()
    while time.monotonic() < deadline:
        time.sleep(0.1)
        now = cpu_ticks(pid)
        if now != last:
            last, quiet_since = now, time.monotonic()
        elif time.monotonic() - quiet_since >= quiet_s:
            return


def main() -> None:
    parser = argparse.ArgumentParser(description="Command runner benchmark")
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--megabytes", type=int, default=100)
    args = parser.parse_args()
    total = args.megabytes * MB
    with tempfile.TemporaryDirectory() as tmp:
        server, url = start_server(Path(tmp) / "data")
        try:
            transport = httpx.HTTPTransport(
                socket_options=[(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)]
            )
            headers = {"Authorization": f"Bearer {TOKEN}"}
            with httpx.Client(base_url=url, headers=headers, transport=transport) as client:
                # Measure a settled server: the SDK import thread once added ~7 ms per run.
                wait_idle(server.pid)
                latency(client, 5)  # warm-up: imports, pools, first bashlex parse
                base, api = latency(client, args.runs)
                print(f"(a) bash -c true, {args.runs} runs each, server on loopback")
                print(f"    baseline subprocess.run          p50 {p50(base):7.2f} ms")
                print(f"    POST run + SSE to final status   p50 {p50(api):7.2f} ms")
                print(f"    added p50                            {p50(api) - p50(base):7.2f} ms"
                      "  (target <= 10 ms)")  # fmt: skip
                baseline = cat_rate(total)
                runner, per_cpu = runner_rate(total)
                served = api_rate(client, total)
                print(f"(b) {args.megabytes} MB producer")
                print(f"    baseline producer | cat > /dev/null  {baseline:8.1f} MB/s")
                print(f"    run_process (capture + 1 MiB cap)    {runner:8.1f} MB/s"
                      "  (target >= 200)")  # fmt: skip
                print(f"      runner CPU cost                    {per_cpu:8.1f} MB per CPU second")
                print(f"    server run (live buffer + store)     {served:8.1f} MB/s")
        finally:
            server.terminate()
            server.wait(timeout=30)


if __name__ == "__main__":
    main()
