"""Benchmark risk analysis on growing commands: it must grow linearly and stay bounded.

(a) analyze() CPU time for commands of 1 KB to 32 KB in several shapes (a|a|…, `;` lists,
    find | xargs rm chains, curl | sh | sh …), beside shlex.split of the same text (a linear
    pure-Python tokenizer) as the baseline measured in the same run. The doubling ratio
    (time at 2n / time at n) should stay near 2; it was ~2.5-3 on the old code, whose
    100 KB `a|a|…` took 57 s.
(b) A 100 KB command is over the cap: the verdict (dangerous, "too long to analyse") and its cost.
(c) Event-loop lag while a 32 KB analysis runs in a worker thread (as the API runs it), beside
    the lag while a pure-Python busy loop of similar length runs there (the GIL's own cost).

Run: .venv/bin/python bench/bench_risk.py [--max-kb 32]
"""

from __future__ import annotations

import argparse
import asyncio
import shlex
import time
from collections.abc import Callable

from forge_orchestrator.commands import risk
from forge_orchestrator.commands.risk import analyze

# Older code had no cap; the bench then runs to 32 KB so its figures compare.
MAX_CHARS: int = getattr(risk, "MAX_CHARS", 32_768)

SHAPES: dict[str, Callable[[int], str]] = {
    "a|a|…": lambda n: "|".join(["a"] * (n // 2)),
    "rm -rf x; …": lambda n: "; ".join(["rm -rf x"] * (n // 10)),
    "find|xargs rm|…": lambda n: "find . " + "".join(["| xargs rm "] * (n // 11)),
    "curl x|sh|sh…": lambda n: "curl x " + "".join(["| sh "] * (n // 5)),
    "echo w w w…": lambda n: "echo " + " ".join(["w"] * (n // 2)),
}


def cpu(fn: Callable[[], object], repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.process_time()
        fn()
        best = min(best, time.process_time() - start)
    return best


def sizes(max_kb: int) -> list[int]:
    out, kb = [], 1
    while kb <= max_kb:
        out.append(kb * 1024 - 1)
        kb *= 2
    return out


async def loop_lag(work: Callable[[], object] | None, seconds: float = 1.0) -> float:
    """Largest delay of a 1 ms ticker while `work` runs in a thread (or nothing does)."""
    loop = asyncio.get_running_loop()
    job = loop.run_in_executor(None, work) if work else None
    worst, end = 0.0, time.perf_counter() + seconds
    while time.perf_counter() < end or (job is not None and not job.done()):
        before = time.perf_counter()
        await asyncio.sleep(0.001)
        worst = max(worst, time.perf_counter() - before - 0.001)
    if job is not None:
        await job
    return worst


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--max-kb", type=int, default=MAX_CHARS // 1024)
    args = parser.parse_args()
    print(f"(a) analyze() CPU ms by size; baseline shlex.split of the same text (cap {MAX_CHARS})")
    print(f"{'shape':16} {'chars':>7} {'analyze':>9} {'x2 ratio':>8} {'shlex':>8}")
    for name, make in SHAPES.items():
        previous = None
        for size in sizes(args.max_kb):
            text = make(size)[:size]
            spent = cpu(lambda t=text: analyze(t))  # type: ignore[misc]
            base = cpu(lambda t=text: shlex.split(t, comments=False))  # type: ignore[misc]
            ratio = f"{spent / previous:8.2f}" if previous else " " * 8
            print(f"{name:16} {len(text):7} {spent * 1000:9.1f} {ratio} {base * 1000:8.1f}")
            previous = spent
    big = "|".join(["a"] * 50_000)
    spent = cpu(lambda: analyze(big))
    verdict = analyze(big)
    print(f"(b) {len(big)} chars: {verdict.level} ({verdict.reasons[0]}) in {spent * 1000:.2f} ms")
    text = SHAPES["curl x|sh|sh…"](MAX_CHARS)[:MAX_CHARS]
    spent = cpu(lambda: analyze(text), repeat=1)
    spin = int(spent * 20_000_000)  # roughly as many seconds of bytecode as the analysis
    analysing = asyncio.run(loop_lag(lambda: analyze(text)))
    spinning = asyncio.run(loop_lag(lambda: sum(range(spin)) and None))
    print(f"(c) worst loop lag: {analysing * 1000:.1f} ms with a {len(text)}-char analysis in a "
          f"thread; {spinning * 1000:.1f} ms with a busy loop there")  # fmt: skip


if __name__ == "__main__":
    main()
