"""Flow engine overhead: a 1,000-node layered DAG of `true` steps vs plain asyncio, 8 at a time.

Prints both wall times, their ratio (target <= 1.3x), the engine's overhead per node and peak
memory. The engine run includes everything a real run does: validation, the run and node rows
in a real SQLite file (each node's result committed as it finishes) and the event hooks.
"""

from __future__ import annotations

import asyncio
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from forge_orchestrator.db.engine import make_engine
from forge_orchestrator.db.migrate import upgrade
from forge_orchestrator.db.service import Database
from forge_orchestrator.flows.runs import RunManager
from forge_orchestrator.settings import Settings

NODES = 1000
WIDTH = 8
PARALLEL = 8
REPEATS = 5


def layered_dag() -> dict[str, Any]:
    """WIDTH nodes per layer; each depends on two nodes of the layer before."""
    nodes, edges = [], []
    for i in range(NODES):
        layer, col = divmod(i, WIDTH)
        nodes.append({"id": f"n{i}", "type": "shell", "data": {"command": "true"}})
        if layer:
            for parent_col in {col, (col + 1) % WIDTH}:
                edges.append({"source": f"n{(layer - 1) * WIDTH + parent_col}", "target": f"n{i}"})
    return {"nodes": nodes, "edges": edges, "settings": {"max_parallel": PARALLEL}}


async def baseline() -> float:
    """The same 1,000 processes (bash -c true, own session, piped output), 8 at a time."""
    sem = asyncio.Semaphore(PARALLEL)

    async def one() -> None:
        async with sem:
            proc = await asyncio.create_subprocess_exec(
                "bash",
                "-c",
                "true",
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                start_new_session=True,
            )
            await proc.communicate()

    start = time.perf_counter()
    await asyncio.gather(*(one() for _ in range(NODES)))
    return time.perf_counter() - start


async def through_runner() -> float:
    """The same 1,000 processes through commands.run_process alone: isolates the engine's cost."""
    from forge_orchestrator.commands.process import run_process

    sem = asyncio.Semaphore(PARALLEL)

    async def one() -> None:
        async with sem:
            await run_process("true", timeout_s=60, output_cap=1 << 20, cancel=asyncio.Event())

    start = time.perf_counter()
    await asyncio.gather(*(one() for _ in range(NODES)))
    return time.perf_counter() - start


async def through_engine(manager: RunManager, definition: dict[str, Any]) -> float:
    start = time.perf_counter()
    run = await manager.start_definition(definition, flow_id=None, flow_name="bench")
    done = await manager.wait(run.id)
    elapsed = time.perf_counter() - start
    if done.status != "succeeded":
        raise SystemExit(f"engine run ended {done.status}")
    return elapsed


Sample = tuple[float, float]  # (wall seconds, this process's CPU seconds, all threads)


async def timed(work: Callable[[], Awaitable[float]]) -> Sample:
    cpu = time.process_time()
    wall = await work()
    return wall, time.process_time() - cpu


async def measure(data_dir: Path) -> tuple[dict[str, list[Sample]], int]:
    settings = Settings(data_dir=data_dir, open_browser=False)
    db = make_engine(settings.resolved_database_url)
    upgrade(db)
    manager = RunManager(Database(db), settings)
    definition = layered_dag()
    # Warm-up: imports, the pydantic schemas and the SQLite file, as in a running server.
    warm = {"nodes": definition["nodes"][:16], "edges": [], "settings": {"max_parallel": 8}}
    await through_engine(manager, warm)
    samples: dict[str, list[Sample]] = {"baseline": [], "runner": [], "engine": []}
    # Alternate, so a busy machine slows every side alike.
    for _ in range(REPEATS):
        samples["baseline"].append(await timed(baseline))
        samples["runner"].append(await timed(through_runner))
        samples["engine"].append(await timed(lambda: through_engine(manager, definition)))
    # One more engine run under tracemalloc for the heap peak (tracing slows it; not timed).
    tracemalloc.start()
    await through_engine(manager, definition)
    heap_peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    db.dispose()
    return samples, heap_peak


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        samples, heap_peak = asyncio.run(measure(Path(tmp)))
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # Median and spread of the repeats: the best of 3 hid a 1.40x median behind a 1.3x target.
    med = {k: statistics.median(w for w, _ in v) for k, v in samples.items()}
    cpu = {k: statistics.median(c for _, c in v) for k, v in samples.items()}
    base, runner, engine_s = med["baseline"], med["runner"], med["engine"]
    print(f"nodes: {NODES}  width: {WIDTH}  max_parallel: {PARALLEL}  median of {REPEATS}")
    for key, label in (
        ("baseline", "baseline: plain asyncio, same processes"),
        ("runner", "commands.run_process alone, same processes"),
        ("engine", "engine: validate + run + SQLite commits"),
    ):
        walls = [w for w, _ in samples[key]]
        print(
            f"{label:<44} wall {med[key]:.3f} s (min {min(walls):.2f}, max {max(walls):.2f})"
            f"  CPU {cpu[key]:.3f} s"
        )
    pairs = zip(samples["engine"], samples["baseline"], strict=True)
    ratios = sorted(e[0] / b[0] for e, b in pairs)
    print(
        f"ratio engine/baseline (wall): {engine_s / base:.2f}x median"
        f" (per pair {ratios[0]:.2f}-{ratios[-1]:.2f}; target <= 1.30x)"
    )
    print(f"ratio engine/baseline (CPU of this process): {cpu['engine'] / cpu['baseline']:.2f}x")
    print(
        f"engine overhead per node: {(engine_s - base) / NODES * 1000:.3f} ms wall vs plain "
        f"asyncio ({(engine_s - runner) / NODES * 1000:.3f} ms vs run_process alone); "
        f"{(cpu['engine'] - cpu['baseline']) / NODES * 1000:.3f} ms CPU"
    )
    print(f"peak RSS of the whole benchmark process: {rss / 1024:.1f} MiB")
    print(f"engine run Python heap peak (tracemalloc): {heap_peak / 1024 / 1024:.1f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
