"""A bounded mixed-load driver against a real server: many clients, real writes, exact accounting.

Used by tests/robustness/test_load.py (bounded, in `make test`) and bench/bench_load.py (figures).
"""

from __future__ import annotations

import json
import random
import sqlite3
import statistics
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from tests.e2e.harness import TOKEN

ARCHITECT_ANSWER = json.dumps(
    {
        "name": "List files",
        "command": "ls -la",
        "description": "Lists the files in the current directory.",
        "explanation": [{"part": "ls -la", "meaning": "long listing including hidden files"}],
        "assumptions": [],
    }
)
FLOW = {
    "name": "load flow",
    "description": "two parallel true steps",
    "data": {
        "nodes": [
            {"id": "a", "type": "shell", "position": {"x": 0, "y": 0}, "data": {"command": "true"}},
            {
                "id": "b",
                "type": "shell",
                "position": {"x": 200, "y": 0},
                "data": {"command": "true"},
            },
        ],
        "edges": [],
        "settings": {"auto_approve": True},
    },
}
WEIGHTS = {"read": 50, "card": 20, "architect": 10, "command": 10, "flow": 10}


@dataclass
class LoadResult:
    latencies_ms: dict[str, list[float]] = field(default_factory=dict)
    ok: Counter[str] = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)
    command_runs: list[int] = field(default_factory=list)
    flow_runs: list[int] = field(default_factory=list)
    wall_s: float = 0.0

    def all_latencies(self) -> list[float]:
        return [x for xs in self.latencies_ms.values() for x in xs]

    def percentile(self, p: float, kind: str | None = None) -> float:
        xs = sorted(self.latencies_ms.get(kind, []) if kind else self.all_latencies())
        if not xs:
            return 0.0
        return xs[min(len(xs) - 1, round(p / 100 * (len(xs) - 1)))]


def _client(base_url: str) -> httpx.Client:
    return httpx.Client(base_url=base_url, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=60)


def create_flow(base_url: str) -> int:
    with _client(base_url) as c:
        res = c.post("/api/flows", json=FLOW)
        res.raise_for_status()
        return int(res.json()["id"] if "id" in res.json() else res.json()["flow"]["id"])


def run_load(
    base_url: str,
    *,
    clients: int,
    ops_per_client: int,
    flow_id: int,
    seed: int = 7,
    mix: dict[str, int] | None = None,
) -> LoadResult:
    result = LoadResult()
    lock = threading.Lock()
    mix = mix or WEIGHTS
    kinds = list(mix)
    weights = [mix[k] for k in kinds]

    def one_client(n: int) -> None:
        rng = random.Random(seed + n)
        with _client(base_url) as c:
            for i in range(ops_per_client):
                kind = rng.choices(kinds, weights)[0]
                start = time.perf_counter()
                try:
                    if kind == "read":
                        path = rng.choice(
                            ["/api/commands", "/api/ledger?limit=20", "/api/flows", "/api/health"]
                        )
                        res = c.get(path)
                    elif kind == "card":
                        res = c.post(
                            "/api/commands", json={"name": f"load {n}-{i}", "command": "echo hi"}
                        )
                    elif kind == "architect":
                        res = c.post(
                            "/api/architect/generate", json={"prompt": f"list files {n}-{i}"}
                        )
                    elif kind == "command":
                        res = c.post("/api/commands/run", json={"command": "true"})
                    else:
                        res = c.post(f"/api/flows/{flow_id}/runs", json={"auto_approve": True})
                except httpx.HTTPError as exc:
                    with lock:
                        result.errors.append(f"{kind}: {type(exc).__name__}: {exc}")
                    continue
                elapsed = (time.perf_counter() - start) * 1000
                with lock:
                    result.latencies_ms.setdefault(kind, []).append(elapsed)
                    if res.status_code >= 400:
                        result.errors.append(f"{kind}: HTTP {res.status_code}: {res.text[:200]}")
                        continue
                    result.ok[kind] += 1
                    if kind == "command":
                        result.command_runs.append(int(res.json()["run"]["id"]))
                    elif kind == "flow":
                        result.flow_runs.append(int(res.json()["run"]["id"]))

    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        list(pool.map(one_client, range(clients)))
    result.wall_s = time.perf_counter() - start
    return result


def wait_for_runs(base_url: str, result: LoadResult, timeout_s: float = 120) -> Counter[str]:
    """Polls every started run until it is final; returns a count of final statuses."""
    final: Counter[str] = Counter()
    pending = [("command", r) for r in result.command_runs] + [
        ("flow", r) for r in result.flow_runs
    ]
    deadline = time.monotonic() + timeout_s
    with _client(base_url) as c:
        while pending and time.monotonic() < deadline:
            still = []
            for kind, run_id in pending:
                path = (
                    f"/api/commands/runs/{run_id}"
                    if kind == "command"
                    else f"/api/flows/runs/{run_id}"
                )
                status = c.get(path).json()["status"]
                if status in ("running", "queued", "awaiting_approval"):
                    still.append((kind, run_id))
                else:
                    final[f"{kind}:{status}"] += 1
            pending = still
            if pending:
                time.sleep(0.2)
    final["unfinished"] = len(pending)
    return final


def count_rows(db_path: Path) -> dict[str, int]:
    db = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        return {
            t: int(db.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0])
            for t in ("token_ledger", "command_cards", "command_runs", "flow_runs")
        }
    finally:
        db.close()


def summary(result: LoadResult) -> str:
    lines = [
        f"{sum(result.ok.values())} ok requests, {len(result.errors)} errors in {result.wall_s:.1f} s"
    ]
    all_ms = result.all_latencies()
    if all_ms:
        lines.append(
            f"  all: p50 {result.percentile(50):.1f} ms, p99 {result.percentile(99):.1f} ms, "
            f"throughput {len(all_ms) / result.wall_s:.0f} req/s"
        )
    for kind in sorted(result.latencies_ms):
        xs = result.latencies_ms[kind]
        lines.append(
            f"  {kind:9s} n={len(xs):4d} p50 {statistics.median(xs):7.1f} ms  p99 {result.percentile(99, kind):7.1f} ms"
        )
    return "\n".join(lines)
