"""Gateway overhead in-process: Gateway.complete (with its ledger write) vs the SDK called directly.

Both talk to the fake provider on loopback with zero delay, through the same official SDKs.
The fake provider runs in its own process, like a real provider (in-process, its threads would
fight the benchmark for the GIL).
Calls alternate (baseline, gateway, baseline, ...) so drift and noise hit both equally.
Prints p50/p95 of each and the difference. Target: <= 1 ms added at p50.
Run: .venv/bin/python bench/bench_gateway.py [calls]
"""

from __future__ import annotations

import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import anthropic
import openai

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from forge_orchestrator.db.engine import make_engine  # noqa: E402
from forge_orchestrator.db.migrate import upgrade  # noqa: E402
from forge_orchestrator.llm.component import build_gateway  # noqa: E402
from forge_orchestrator.llm.types import ChatMessage, LLMRequest  # noqa: E402
from forge_orchestrator.settings import Settings  # noqa: E402

KEY = "sk-bench-0123456789abcdefghij"
MESSAGES = [{"role": "user", "content": "Find the five largest files under /var/log"}]
Call = Callable[[], Awaitable[object]]


class FakeEndpoints:
    def __init__(self, port: int) -> None:
        self.openai_base_url = f"http://127.0.0.1:{port}/v1"
        self.anthropic_base_url = f"http://127.0.0.1:{port}"


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


async def measure(pairs: list[tuple[str, Call, Call]], calls: int) -> None:
    for label, baseline, gateway in pairs:
        for _ in range(20):  # warm connections, caches and the tokenizer
            await baseline()
            await gateway()
        base_ms: list[float] = []
        gw_ms: list[float] = []
        cpu = {"base": 0.0, "gw": 0.0}
        for _ in range(calls):
            for fn, out, key in ((baseline, base_ms, "base"), (gateway, gw_ms, "gw")):
                c0, t0 = time.process_time(), time.perf_counter()
                await fn()
                out.append((time.perf_counter() - t0) * 1000)
                cpu[key] += time.process_time() - c0
        b50, b95 = statistics.median(base_ms), pct(base_ms, 95)
        g50, g95 = statistics.median(gw_ms), pct(gw_ms, 95)
        print(
            f"{label:<20} SDK direct p50 {b50:6.3f} p95 {b95:6.3f} | "
            f"gateway p50 {g50:6.3f} p95 {g95:6.3f} | "
            f"added p50 {g50 - b50:+6.3f} p95 {g95 - b95:+6.3f} ms"
        )
        # CPU time of this process (all threads) barely depends on how busy the machine is.
        added_cpu = (cpu["gw"] - cpu["base"]) / calls * 1000
        print(
            f"{'':<20} CPU per call: SDK {cpu['base'] / calls * 1000:.3f} ms, "
            f"gateway {cpu['gw'] / calls * 1000:.3f} ms, added {added_cpu:+.3f} ms"
        )


async def main(calls: int) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.fakes.llm_server"],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None and proc.stdin is not None
    port = int(proc.stdout.readline())
    fake = FakeEndpoints(port)
    tmp = Path(tempfile.mkdtemp(prefix="forge-bench-gw-"))
    os.environ.update(
        OPENAI_API_KEY=KEY,
        ANTHROPIC_API_KEY=KEY,
        OPENAI_BASE_URL=fake.openai_base_url,
        ANTHROPIC_BASE_URL=fake.anthropic_base_url,
    )
    engine = make_engine(f"sqlite:///{tmp / 'bench.db'}")
    upgrade(engine)
    gw = build_gateway(engine, Settings(data_dir=tmp, _env_file=None))  # type: ignore[call-arg]
    oa = openai.AsyncOpenAI(api_key=KEY, base_url=fake.openai_base_url, max_retries=0)
    an = anthropic.AsyncAnthropic(api_key=KEY, base_url=fake.anthropic_base_url, max_retries=0)

    def req(provider: str, model: str) -> LLMRequest:
        return LLMRequest(
            provider=provider,
            model=model,
            messages=[ChatMessage(role="user", content=MESSAGES[0]["content"])],
            max_tokens=256,
        )

    openai_req = req("openai", "gpt-6.2-sol")
    anthropic_req = req("anthropic", "claude-sonnet-5-5")

    async def sdk_openai() -> object:
        return await oa.chat.completions.create(
            model="gpt-6.2-sol",
            messages=MESSAGES,  # type: ignore[arg-type]
            max_completion_tokens=256,
        )

    async def sdk_anthropic() -> object:
        return await an.messages.create(
            model="claude-sonnet-5-5",
            max_tokens=256,
            messages=MESSAGES,  # type: ignore[arg-type]
        )

    async def sdk_openai_stream() -> object:
        stream = await oa.chat.completions.create(
            model="gpt-6.2-sol",
            messages=MESSAGES,  # type: ignore[arg-type]
            max_completion_tokens=256,
            stream=True,
            stream_options={"include_usage": True},
        )
        return [c async for c in stream]

    async def gw_stream() -> object:
        return [e async for e in gw.stream(openai_req)]

    print(f"gateway overhead, {calls} alternating calls per case, fake provider, zero delay")
    await measure(
        [
            ("OpenAI complete", sdk_openai, lambda: gw.complete(openai_req)),
            ("Anthropic complete", sdk_anthropic, lambda: gw.complete(anthropic_req)),
            ("OpenAI stream", sdk_openai_stream, gw_stream),
        ],
        calls,
    )
    print("target: added p50 <= 1 ms (baseline = the same SDK call without the gateway)")
    print(
        f"ledger writes: {gw.db.jobs} through the database service's writer thread "
        f"in {gw.db.commits} commits"
    )
    print(
        f"machine load average while measuring: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs"
    )
    await gw.aclose()
    await oa.close()
    await an.close()
    engine.dispose()
    proc.stdin.close()
    proc.wait(timeout=10)


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 300))
