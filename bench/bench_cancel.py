"""Benchmark cancel: how long until a run whose command left a `setsid` child has fully ended.

(a) run_process with the containment kill (this branch): time from cancel to return, when
    every process of the run's tree is gone (the setsid child included).
(b) Baseline in the same run: the plain process-group kill Forge used before (SIGTERM to the
    group, poll until the group is empty), on the same command. It returns too, but the
    setsid child survives it: the survivors are counted and then killed.
Also: the cost of one process-table scan (what each kill round does), beside the process count;
and why command runs get no cgroup: a spawn with the server moved into a fresh cgroup for the
instant of the spawn (the only race-free way without clone3), beside a plain spawn.
Run: .venv/bin/python bench/bench_cancel.py [--runs 10]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import statistics
import subprocess
import time
import uuid

import psutil

from forge_orchestrator.commands.process import run_process
from forge_orchestrator.procs import cgroup
from forge_orchestrator.procs.scan import snapshot

COMMAND = "setsid sleep 1000 & sleep 1000 & echo started; wait"
CAP = 1024 * 1024


def _marked(mark: str) -> list[psutil.Process]:
    out = []
    for proc in psutil.process_iter():
        try:
            if proc.status() != psutil.STATUS_ZOMBIE and proc.environ().get("BENCH_MARK") == mark:
                out.append(proc)
        except psutil.Error:
            continue
    return out


async def _wait_started(mark: str, count: int) -> None:
    while sum(1 for p in _marked(mark) if p.name() == "sleep") < count:
        await asyncio.sleep(0.01)


async def contained_once() -> tuple[float, int]:
    mark = uuid.uuid4().hex
    cancel = asyncio.Event()
    task = asyncio.create_task(
        run_process(COMMAND, env={"BENCH_MARK": mark}, timeout_s=60, output_cap=CAP, cancel=cancel)
    )
    await _wait_started(mark, 2)
    t0 = time.perf_counter()
    cancel.set()
    await task
    elapsed = time.perf_counter() - t0
    left = _marked(mark)
    for p in left:
        p.kill()
    return elapsed, len(left)


def _group_alive(pgid: int) -> bool:
    """The old check: any non-zombie process left in the group."""
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    for proc in psutil.process_iter(["status"]):
        try:
            if os.getpgid(proc.pid) == pgid and proc.info["status"] != psutil.STATUS_ZOMBIE:
                return True
        except (ProcessLookupError, psutil.Error):
            continue
    return False


async def group_kill_once() -> tuple[float, int]:
    mark = uuid.uuid4().hex
    proc = subprocess.Popen(
        ["bash", "-c", COMMAND],
        stdout=subprocess.DEVNULL,
        env={**os.environ, "BENCH_MARK": mark},
        start_new_session=True,
    )
    await _wait_started(mark, 2)
    t0 = time.perf_counter()
    os.killpg(proc.pid, signal.SIGTERM)
    while _group_alive(proc.pid):
        await asyncio.sleep(0.02)
    proc.wait()
    elapsed = time.perf_counter() - t0
    left = _marked(mark)
    for p in left:
        p.kill()
    return elapsed, len(left)


def scan_ms(rounds: int = 50) -> float:
    t0 = time.perf_counter()
    for _ in range(rounds):
        snapshot()
    return (time.perf_counter() - t0) / rounds * 1000


def _spawn_ms(group: str | None) -> float:
    root = cgroup.base()
    t0 = time.perf_counter()
    path = None
    if group is not None and root is not None:
        path = root / group
        path.mkdir()
        (path / "cgroup.procs").write_text(str(os.getpid()))
    proc = subprocess.Popen(["true"], start_new_session=True)
    if path is not None and root is not None:
        (root / "cgroup.procs").write_text(str(os.getpid()))
    elapsed = (time.perf_counter() - t0) * 1000
    proc.wait()
    if path is not None:
        path.rmdir()
    return elapsed


def cgroup_spawn_cost(rounds: int = 40) -> str:
    if cgroup.base() is None:
        return "  no cgroup v2 to create here: spawn cost with a cgroup not measured"
    moved, plain = [], []
    for i in range(rounds):
        moved.append(_spawn_ms(f"forgebench-{os.getpid()}-{i}"))
        plain.append(_spawn_ms(None))
    return (
        f"  spawn of `true`: {statistics.median(moved):.2f} ms with a cgroup move, "
        f"{statistics.median(plain):.2f} ms plain (median of {rounds}, interleaved)"
    )


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    contained, baseline = [], []
    survivors = {"contained": 0, "group kill": 0}
    for _ in range(args.runs):  # interleaved, so machine load hits both alike
        t, left = await contained_once()
        contained.append(t)
        survivors["contained"] += left
        t, left = await group_kill_once()
        baseline.append(t)
        survivors["group kill"] += left
    ms = statistics.median
    print(f"cancel of `{COMMAND}`, median of {args.runs} runs:")
    print(
        f"  containment kill (whole tree): {ms(contained) * 1000:7.1f} ms  "
        f"(min {min(contained) * 1000:.1f}, max {max(contained) * 1000:.1f}); "
        f"survivors: {survivors['contained']}"
    )
    print(
        f"  baseline process-group kill:   {ms(baseline) * 1000:7.1f} ms  "
        f"(min {min(baseline) * 1000:.1f}, max {max(baseline) * 1000:.1f}); "
        f"survivors: {survivors['group kill']} (the setsid child, once per run)"
    )
    print(f"  one process-table scan: {scan_ms():.2f} ms over {len(psutil.pids())} processes")
    print(cgroup_spawn_cost())


if __name__ == "__main__":
    asyncio.run(main())
