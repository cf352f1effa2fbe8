"""Event-loop stall when an LLM stream is cancelled while another program holds the write lock.

A ticker in the same loop sleeps 5 ms at a time and records the longest gap between ticks.
A streamed call is cancelled mid-stream while a second SQLite connection holds the write lock
for HOLD_S; the cancelled call must record its ledger row. Before the fix that write ran
synchronously on the loop and stalled everything (requests, streams, PTYs) until the lock went.
Runs the measurement twice, in subprocesses: on the baseline revision (default: the commit
before the fix) and on this tree, and prints both.
Run: .venv/bin/python bench/bench_lock_stall.py [--baseline-rev REV]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HOLD_S = 1.5
TICK_S = 0.005
BASELINE_REV = "8017862"  # main before issue #14 items 10-12


async def measure() -> None:
    sys.path.insert(0, os.environ.get("FORGE_TREE", str(ROOT)))
    from forge_orchestrator.db.engine import make_engine
    from forge_orchestrator.db.migrate import upgrade
    from forge_orchestrator.llm.component import build_gateway
    from forge_orchestrator.llm.tokens import warm_up
    from forge_orchestrator.llm.types import ChatMessage, LLMRequest
    from forge_orchestrator.settings import Settings
    from tests.fakes.llm_server import FakeLLMServer, Reply

    warm_up()  # the tokenizer's first load (done at start-up by `serve`) is not the point here
    fake = FakeLLMServer().start()
    fake.default = Reply(text="word " * 400, chunk_delay_s=0.02)
    tmp = Path(tempfile.mkdtemp(prefix="forge-bench-stall-"))
    os.environ.update(
        OPENAI_API_KEY="sk-bench-0123456789abcdef", OPENAI_BASE_URL=fake.openai_base_url
    )
    db = tmp / "bench.db"
    engine = make_engine(f"sqlite:///{db}")
    upgrade(engine)
    gw = build_gateway(engine, Settings(data_dir=tmp, _env_file=None))  # type: ignore[call-arg]
    req = LLMRequest(
        provider="openai",
        model="gpt-6.2-sol",
        messages=[ChatMessage(role="user", content="hi")],
        max_tokens=256,
    )
    first = asyncio.Event()

    async def consume() -> None:
        async for _ in gw.stream(req):
            first.set()

    gaps: list[float] = []
    stop = asyncio.Event()

    async def ticker() -> None:
        last = time.perf_counter()
        while not stop.is_set():
            await asyncio.sleep(TICK_S)
            now = time.perf_counter()
            gaps.append(now - last - TICK_S)
            last = now

    locked, release = threading.Event(), threading.Event()

    def hold_lock() -> None:
        conn = sqlite3.connect(db, isolation_level=None)
        conn.execute("BEGIN IMMEDIATE")
        locked.set()
        release.wait(HOLD_S)
        conn.execute("ROLLBACK")
        conn.close()

    stream = asyncio.create_task(consume())
    await first.wait()
    holder = threading.Thread(target=hold_lock)
    holder.start()
    await asyncio.to_thread(locked.wait)
    tick = asyncio.create_task(ticker())
    await asyncio.sleep(0.1)
    quiet = max(gaps, default=0.0)  # the ticker's own jitter before the cancellation
    gaps.clear()
    stream.cancel()
    await asyncio.gather(stream, return_exceptions=True)
    await asyncio.sleep(HOLD_S + 0.3)
    stop.set()
    await tick
    await asyncio.to_thread(holder.join)
    await asyncio.sleep(0.3)  # let a write handed to the background land
    rows = sqlite3.connect(db).execute("SELECT status, error_message FROM token_ledger").fetchall()
    print(f"{max(gaps) * 1000:.1f} {quiet * 1000:.1f} {rows}")
    await gw.aclose()
    engine.dispose()
    fake.stop()


def run_tree(tree: Path) -> str:
    env = {**os.environ, "FORGE_TREE": str(tree), "PYTHONPATH": str(tree)}
    done = subprocess.run(
        [sys.executable, __file__, "--measure"],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        return f"failed: {done.stderr.strip().splitlines()[-1:]}"
    max_ms, quiet_ms, rows = done.stdout.strip().split(" ", 2)
    return (
        f"longest loop stall {float(max_ms):7.1f} ms "
        f"(ticker jitter before: {quiet_ms} ms); ledger {rows}"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--baseline-rev", default=BASELINE_REV)
    args = parser.parse_args()
    if args.measure:
        asyncio.run(measure())
        return
    with tempfile.TemporaryDirectory(prefix="forge-bench-baseline-") as base:
        archive = subprocess.run(
            ["git", "-C", str(ROOT), "archive", args.baseline_rev, "forge_orchestrator", "tests"],
            capture_output=True,
            check=True,
        )
        subprocess.run(["tar", "-x", "-C", base], input=archive.stdout, check=True)
        print(f"LLM stream cancelled while another connection holds the write lock {HOLD_S} s")
        print(f"baseline {args.baseline_rev}: {run_tree(Path(base))}")
        print(f"this tree:        {run_tree(ROOT)}")
    print(f"machine load average: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
