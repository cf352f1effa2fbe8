"""Event-loop stall during a catastrophic `matches` condition: RE2 (now) vs Python's re (before).

A ticker on the event loop records the longest gap between its 5 ms ticks while the condition
is evaluated on the loop, as the flow engine does. The baseline is the previous engine, Python's
backtracking `re`, on the same pattern `^(a+)+b$` with fewer "a"s (each extra one doubles its
time: at 29, the number in the issue, it froze the server for 16 s or more).
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Callable

from forge_orchestrator.flows.conditions import search

PATTERN = r"^(a+)+b$"
TICK_S = 0.005


async def worst_gap(work: Callable[[], object]) -> tuple[float, float]:
    """(longest gap between ticks, time the work took), with the work run on the loop."""
    gaps: list[float] = []
    stop = asyncio.Event()

    async def ticker() -> None:
        last = time.perf_counter()
        while not stop.is_set():
            await asyncio.sleep(TICK_S)
            now = time.perf_counter()
            gaps.append(now - last)
            last = now

    task = asyncio.create_task(ticker())
    await asyncio.sleep(0.05)
    started = time.perf_counter()
    work()
    took = time.perf_counter() - started
    await asyncio.sleep(0.05)
    stop.set()
    await task
    return max(gaps), took


async def main() -> None:
    print(f"pattern {PATTERN!r}; loop stall = longest gap between {TICK_S * 1000:.0f} ms ticks")
    for n in (18, 20, 22):
        gap, took = await worst_gap(lambda n=n: re.search(PATTERN, "a" * n))
        print(f"  baseline re  n={n:>7}: stall {gap * 1000:9.1f} ms (match took {took:.3f} s)")
    for n in (22, 29, 40, 1_000_000):
        gap, took = await worst_gap(lambda n=n: search(PATTERN, "a" * n))
        print(f"  RE2 (now)    n={n:>7}: stall {gap * 1000:9.1f} ms (match took {took:.6f} s)")


if __name__ == "__main__":
    asyncio.run(main())
