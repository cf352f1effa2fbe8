"""Architect overhead end to end: POST /api/architect/generate over HTTP vs the SDK called directly.

Both talk to the fake provider on loopback with zero delay. The app is a real
`forge-orchestrator serve` process on 127.0.0.1 (its own interpreter, as users run it); the HTTP
path includes routing, auth, the gateway, the ledger write, parsing and the card insert. Calls
alternate (baseline, app, baseline, ...) so drift hits both equally. Target: <= 5 ms added at p50.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from openai import OpenAI

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.e2e.harness import ServerProcess  # noqa: E402
from tests.fakes.llm_server import FakeLLMServer, Reply  # noqa: E402
from tests.robustness.load import ARCHITECT_ANSWER as ANSWER  # noqa: E402

WARMUP = 20
RUNS = int(os.environ.get("BENCH_RUNS", "300"))
TARGET_P50_MS = 5.0
KEY = "sk-bench-0123456789abcdefBENCH"
MODEL = "gpt-6.2-sol"
PROMPT = "show the ten largest files here"


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p * (len(ordered) - 1)))]


def main() -> None:
    fake = FakeLLMServer().start()
    fake.default = Reply(text=ANSWER, input_tokens=220, output_tokens=90)
    sdk = OpenAI(base_url=fake.openai_base_url, api_key=KEY, max_retries=0)
    env = {
        "OPENAI_BASE_URL": fake.openai_base_url,
        "OPENAI_API_KEY": KEY,
        "FORGE_LOG_LEVEL": "warning",
    }
    with tempfile.TemporaryDirectory() as tmp:
        server = ServerProcess(data_dir=Path(tmp) / "data", env=env).start(timeout=90)
        http = server.client()

        def direct() -> float:
            start = time.perf_counter()
            out = sdk.chat.completions.create(
                model=MODEL,
                messages=[{"role": "user", "content": PROMPT}],
                max_tokens=1200,
                response_format={"type": "json_object"},
            )
            assert out.choices[0].message.content
            return (time.perf_counter() - start) * 1000

        def via_app() -> float:
            start = time.perf_counter()
            res = http.post(
                "/api/architect/generate",
                json={"prompt": PROMPT, "provider": "openai", "model": MODEL},
            )
            elapsed = (time.perf_counter() - start) * 1000
            if res.status_code != 201:
                raise RuntimeError(f"generate failed: {res.status_code} {res.text}")
            return elapsed

        def floor() -> float:
            start = time.perf_counter()
            http.get("/api/health").raise_for_status()
            return (time.perf_counter() - start) * 1000

        try:
            for _ in range(WARMUP):
                direct()
                via_app()
            base: list[float] = []
            app: list[float] = []
            health: list[float] = []
            for _ in range(RUNS):
                base.append(direct())
                app.append(via_app())
                health.append(floor())
            load = os.getloadavg()[0]
        finally:
            http.close()
            server.stop()
            fake.stop()

    added_p50 = statistics.median(app) - statistics.median(base)
    added_p95 = pct(app, 0.95) - pct(base, 0.95)
    print(f"Architect over HTTP vs SDK direct, fake provider on loopback, {RUNS} calls each")
    print(f"  machine   {os.cpu_count()} CPUs, 1-minute load average {load:.1f}")
    print(
        f"  baseline  SDK direct           p50 {statistics.median(base):7.2f} ms"
        f"  p95 {pct(base, 0.95):7.2f} ms"
    )
    print(
        f"  measured  POST /generate       p50 {statistics.median(app):7.2f} ms"
        f"  p95 {pct(app, 0.95):7.2f} ms"
    )
    print(
        f"  context   GET /api/health      p50 {statistics.median(health):7.2f} ms"
        f"  p95 {pct(health, 0.95):7.2f} ms  (the server's HTTP floor on this machine)"
    )
    verdict = "OK" if added_p50 <= TARGET_P50_MS else "OVER TARGET"
    print(
        f"  added                          p50 {added_p50:7.2f} ms  p95 {added_p95:7.2f} ms"
        f"  (target p50 <= {TARGET_P50_MS:.0f} ms: {verdict})"
    )


if __name__ == "__main__":
    main()
