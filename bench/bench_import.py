"""Event-loop stall during a large card import, probed by GET /api/health on a real server.

A prober thread calls /api/health back to back while one client imports N cards; the figure is
the longest health round trip during the import (the loop-lag probe). Baseline in the same run:
the same prober with no import going on. Also prints the import's wall time and the answer for
an import over FORGE_IMPORT_MAX_CARDS. Usage: bench_import.py [cards] (default 5000, the default
limit; a larger count raises the server's limit to it).
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.e2e.harness import ServerProcess  # noqa: E402


def bundle(n: int) -> bytes:
    cards = [
        {"name": f"card {i}", "command": f"grep -rn 'TODO {i}' src | sort | uniq -c", "tags": ["x"]}
        for i in range(n)
    ]
    return json.dumps({"format": "forge-command-cards", "version": 1, "cards": cards}).encode()


def probe(server: ServerProcess, stop: threading.Event, out: list[float]) -> None:
    with server.client() as c:
        while not stop.is_set():
            started = time.perf_counter()
            c.get("/api/health")
            out.append(time.perf_counter() - started)


def health_during(server: ServerProcess, work: float | bytes) -> tuple[list[float], float, int]:
    """Health round trips while ``work`` runs: an import body, or idle seconds (the baseline)."""
    stop = threading.Event()
    times: list[float] = []
    prober = threading.Thread(target=probe, args=(server, stop, times))
    prober.start()
    time.sleep(0.3)
    started = time.perf_counter()
    status = 0
    if isinstance(work, bytes):
        with server.client() as c:
            c.timeout = 600
            headers = {"content-type": "application/json"}
            status = c.post("/api/commands/import", content=work, headers=headers).status_code
    else:
        time.sleep(work)
    took = time.perf_counter() - started
    stop.set()
    prober.join()
    return times, took, status


def show(label: str, times: list[float]) -> None:
    print(
        f"  {label:<22} health max {max(times) * 1000:8.1f} ms  "
        f"p50 {statistics.median(times) * 1000:6.1f} ms  ({len(times)} probes)"
    )


def main() -> None:
    counts = [a for a in sys.argv[1:] if a.isdigit()]
    n = int(counts[0]) if counts else 5000
    limit = max(n, 5000)
    body = bundle(n)
    with tempfile.TemporaryDirectory() as tmp:
        env = {"FORGE_IMPORT_MAX_CARDS": str(limit)}
        server = ServerProcess(data_dir=Path(tmp) / "data", env=env).start()
        try:
            idle, _, _ = health_during(server, 3.0)
            loaded, took, status = health_during(server, body)
            # --no-over skips it (a build without the limit would import them all again)
            over_run = "--no-over" not in sys.argv
            over, _, over_status = health_during(server, bundle(limit + 1) if over_run else 0.5)
        finally:
            server.stop()
    print(f"import of {n} cards ({len(body) / 1e6:.1f} MB): HTTP {status} in {took:.2f} s")
    show("baseline (idle)", idle)
    show(f"during import of {n}", loaded)
    show(f"import of {limit + 1}", over)
    print(f"  import of {limit + 1} cards (limit {limit}): HTTP {over_status}")


if __name__ == "__main__":
    main()
