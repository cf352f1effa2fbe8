"""Start-up time of `forge-orchestrator serve` until /api/health answers, beside a bare uvicorn app.

Prints the median and spread of the repeats for an empty data dir, an existing one and the bare
FastAPI app, then the idle RSS of `serve` (once its start-up work, the warm-up included, has
finished) beside the bare app's, and the gzipped size of the JavaScript the first page loads.

Bytecode is cached as an installed package has it (`pip install` compiles it): the children
write theirs under a temporary PYTHONPYCACHEPREFIX, filled by one untimed start of each kind.
`--tree PATH` times another checkout (e.g. the main one, for a before/after in one run).
"""

from __future__ import annotations

import argparse
import gzip
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from bench_throughput import free_port, stop, wait_healthy  # noqa: E402

BARE_APP = """
from fastapi import FastAPI
app = FastAPI()
@app.get("/api/health")
def health():
    return {"status": "ok"}
"""
# Idle: the process used less CPU than IDLE_CPU_S in each of IDLE_TICKS intervals of TICK_S in
# a row (longer than the quiet moment `serve` waits for before its warm-up starts).
IDLE_CPU_S = 0.01
TICK_S = 0.5
IDLE_TICKS = 3


def _idle_rss_mib(pid: int) -> float:
    """RSS once the process has stopped working (its warm-up thread done), in MiB."""
    p = psutil.Process(pid)
    deadline = time.monotonic() + 60
    before = sum(p.cpu_times()[:2])
    quiet = 0
    while quiet < IDLE_TICKS and time.monotonic() < deadline:
        time.sleep(TICK_S)
        now = sum(p.cpu_times()[:2])
        quiet = quiet + 1 if now - before < IDLE_CPU_S else 0
        before = now
    return float(p.memory_info().rss) / 2**20


def start(
    cmd: list[str], port: int, env: dict[str, str], cwd: str, *, rss: bool = False
) -> tuple[float, float | None]:
    """Milliseconds from spawn until /api/health answers 200; the idle RSS if asked."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        cmd,
        env=env,
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        wait_healthy(proc, port, poll_s=0.005)
        ms = (time.perf_counter() - t0) * 1000
        return ms, (_idle_rss_mib(proc.pid) if rss else None)
    finally:
        stop(proc)


def _forge_cmd(port: int, data: Path) -> list[str]:
    return [sys.executable, "-m", "forge_orchestrator.cli", "serve", "--no-browser",
            "--port", str(port), "--data-dir", str(data)]  # fmt: skip


def _bare_cmd(port: int) -> list[str]:
    return [sys.executable, "-m", "uvicorn", "bare_app:app", "--port", str(port),
            "--log-level", "warning"]  # fmt: skip


def measure(tree: Path, runs: int) -> dict[str, list[float]]:
    out: dict[str, list[float]] = {k: [] for k in ("empty", "existing", "bare", "rss", "bare_rss")}
    with tempfile.TemporaryDirectory(prefix="bench-startup-") as tmp:
        env = {k: v for k, v in os.environ.items() if not k.startswith("FORGE_")}
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(Path(tmp, "pycache"))
        env["PYTHONPATH"] = str(tree)  # this checkout's package, whatever is installed
        Path(tmp, "bare_app.py").write_text(BARE_APP)
        forge = str(tree)

        def bare(rss: bool = False) -> tuple[float, float | None]:
            port = free_port()
            return start(_bare_cmd(port), port, env, tmp, rss=rss)

        def serve(data: Path, rss: bool = False) -> tuple[float, float | None]:
            port = free_port()
            return start(_forge_cmd(port, data), port, env, forge, rss=rss)

        # Untimed: writes the bytecode caches and warms the OS file cache.
        bare()
        serve(Path(tmp, "warm"))
        for i in range(runs):
            data = Path(tmp, f"data{i}")
            out["bare"].append(bare()[0])
            out["empty"].append(serve(data)[0])  # creates the database, token and schema
            out["existing"].append(serve(data)[0])
        runs_rss: list[Callable[[], tuple[float, float | None]]] = [
            lambda: serve(Path(tmp, "data0"), rss=True),
            lambda: bare(rss=True),
        ]
        for _ in range(max(1, runs // 2)):
            for key, run in zip(("rss", "bare_rss"), runs_rss, strict=True):
                out[key].append(run()[1] or 0.0)
    return out


def spread(values: list[float], digits: int = 0) -> str:
    med, lo, hi = statistics.median(values), min(values), max(values)
    return f"median {med:7.{digits}f}   min {lo:7.{digits}f}   max {hi:7.{digits}f}"


def initial_js_gzip_kb(tree: Path) -> tuple[float, list[str]]:
    static = tree / "forge_orchestrator" / "static"
    index = (static / "index.html").read_text()
    scripts = re.findall(r'(?:src|href)="/?(assets/[^"]+\.js)"', index)
    total = sum(len(gzip.compress((static / s).read_bytes(), 9)) for s in scripts)
    return total / 1024, scripts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="repeats of each start (default 7)")
    parser.add_argument("--tree", type=Path, default=ROOT, help="the checkout to time")
    args = parser.parse_args()
    tree = args.tree.resolve()
    got = measure(tree, args.runs)
    print(f"serve -> /api/health answers ({tree}), {args.runs} runs, ms:")
    print(f"  forge, empty data dir:             {spread(got['empty'])}")
    print(f"  forge, existing data dir:          {spread(got['existing'])}")
    print(f"  baseline: bare FastAPI (uvicorn):  {spread(got['bare'])}")
    over = statistics.median(got["existing"]) - statistics.median(got["bare"])
    print(f"  forge overhead over baseline (existing, medians): {over:.0f} ms")
    print(f"idle RSS after start-up, MiB ({len(got['rss'])} runs each):")
    print(f"  forge serve:                       {spread(got['rss'], 1)}")
    print(f"  baseline: bare FastAPI (uvicorn):  {spread(got['bare_rss'], 1)}")
    if (tree / "forge_orchestrator" / "static" / "index.html").exists():
        kb, scripts = initial_js_gzip_kb(tree)
        print(
            f"initial JavaScript (gzip -9): {kb:.1f} KB in {len(scripts)} file(s)"
            " (target <= 300 KB)"
        )


if __name__ == "__main__":
    main()
