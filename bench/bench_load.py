"""50 concurrent clients against a real server: latency p50/p99 per operation, throughput.

Baseline in the same run: the same clients hitting only GET /api/health, so the figures for real
operations can be read against the cost of the HTTP round trip itself.
"""

from __future__ import annotations

import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.e2e.harness import ServerProcess  # noqa: E402
from tests.fakes.fixtures import FAKE_OPENAI_KEY  # noqa: E402
from tests.fakes.llm_server import FakeLLMServer, Reply  # noqa: E402
from tests.robustness import load  # noqa: E402

CLIENTS = 50
OPS = 20


def main() -> None:
    fake = FakeLLMServer().start()
    fake.default = Reply(text=load.ARCHITECT_ANSWER, input_tokens=50, output_tokens=30)
    env = {"OPENAI_BASE_URL": fake.openai_base_url, "OPENAI_API_KEY": FAKE_OPENAI_KEY}
    with tempfile.TemporaryDirectory() as tmp:
        server = ServerProcess(data_dir=Path(tmp) / "data", env=env).start()
        try:
            flow_id = load.create_flow(server.base_url)
            common = {"clients": CLIENTS, "ops_per_client": OPS, "flow_id": flow_id}
            baseline = load.run_load(server.base_url, mix={"read": 1}, **common)
            result = load.run_load(server.base_url, **common)
            finals: Counter[str] = load.wait_for_runs(server.base_url, result)
            rows = load.count_rows(server.data_dir / "forge.db")
        finally:
            server.stop()
            fake.stop()
    print(f"{CLIENTS} clients x {OPS} operations each")
    print("baseline (reads only):\n" + load.summary(baseline))
    print("mixed load:\n" + load.summary(result))
    print(f"runs finished: {dict(finals)}")
    print(f"rows: {rows}")


if __name__ == "__main__":
    main()
