"""Builders for flow definitions and helpers that drive runs through the HTTP API."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

from fastapi.testclient import TestClient
from sqlalchemy import Connection, Engine

from forge_orchestrator.db.engine import write_tx

T = TypeVar("T")

TERMINAL = {"succeeded", "failed", "cancelled", "interrupted"}


def shell(node_id: str, command: str, **data: Any) -> dict[str, Any]:
    return {
        "id": node_id,
        "type": "shell",
        "position": {"x": 0, "y": 0},
        "data": {"command": command, **data},
    }


def node(node_id: str, node_type: str, **data: Any) -> dict[str, Any]:
    return {"id": node_id, "type": node_type, "position": {"x": 0, "y": 0}, "data": data}


def edge(source: str, target: str, branch: str | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"id": f"{source}-{target}", "source": source, "target": target}
    if branch:
        out["data"] = {"branch": branch}
    return out


def flow(
    nodes: list[dict[str, Any]], edges: list[dict[str, Any]], **settings: Any
) -> dict[str, Any]:
    out: dict[str, Any] = {"nodes": nodes, "edges": edges}
    if settings:
        out["settings"] = settings
    return out


def create(client: TestClient, data: dict[str, Any], name: str = "test flow") -> dict[str, Any]:
    r = client.post("/api/flows", json={"name": name, "data": data})
    assert r.status_code == 201, r.text
    return dict(r.json())


def start(client: TestClient, flow_id: int, **body: Any) -> dict[str, Any]:
    r = client.post(f"/api/flows/{flow_id}/runs", json=body)
    assert r.status_code == 201, r.text
    return dict(r.json()["run"])


def wait_run(
    client: TestClient, run_id: int, until: set[str] | None = None, deadline_s: float = 30
) -> dict[str, Any]:
    """Poll until the run reaches one of `until` (default: any terminal state)."""
    wanted = until or TERMINAL
    end = time.monotonic() + deadline_s
    while True:
        run = dict(client.get(f"/api/flows/runs/{run_id}").json())
        if run["status"] in wanted:
            return run
        if time.monotonic() > end:
            raise AssertionError(f"run {run_id} stuck in {run['status']}: {run}")
        time.sleep(0.03)


def wait_node(
    client: TestClient, run_id: int, node_id: str, status: str, deadline_s: float = 30
) -> dict[str, Any]:
    end = time.monotonic() + deadline_s
    while True:
        run = client.get(f"/api/flows/runs/{run_id}").json()
        rec = by_id(run)[node_id]
        if rec["status"] == status:
            return dict(run)
        if time.monotonic() > end:
            raise AssertionError(f"node {node_id} stuck in {rec['status']}: {run}")
        time.sleep(0.03)


def run_flow(client: TestClient, data: dict[str, Any], **body: Any) -> dict[str, Any]:
    created = create(client, data)
    run = start(client, created["id"], **body)
    return wait_run(client, run["id"])


def by_id(run: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {n["node_id"]: n for n in run["nodes"]}


def ts(value: str) -> datetime:
    return datetime.fromisoformat(value.removesuffix("Z"))


def overlapping(run: dict[str, Any], ids: list[str]) -> bool:
    """True when every listed node was running at one common moment (from recorded times)."""
    nodes = by_id(run)
    latest_start = max(ts(nodes[i]["started_at"]) for i in ids)
    earliest_finish = min(ts(nodes[i]["finished_at"]) for i in ids)
    return latest_start < earliest_finish


def max_concurrency(run: dict[str, Any]) -> int:
    events: list[tuple[datetime, int]] = []
    for n in run["nodes"]:
        if n["started_at"] and n["finished_at"]:
            events += [(ts(n["started_at"]), 1), (ts(n["finished_at"]), -1)]
    level = peak = 0
    for _, delta in sorted(events, key=lambda e: (e[0], e[1])):
        level += delta
        peak = max(peak, level)
    return peak


def read_events(client: TestClient, run_id: int, out: list[tuple[str, Any]]) -> None:
    """Collect SSE events (name, payload) of a run until `end`."""
    with client.stream("GET", f"/api/flows/runs/{run_id}/events") as resp:
        assert resp.status_code == 200
        name = ""
        for line in resp.iter_lines():
            if line.startswith("event:"):
                name = line.split(":", 1)[1].strip()
            elif line.startswith("data:"):
                out.append((name, json.loads(line.split(":", 1)[1])))
                if name == "end":
                    return


def in_tx(engine: Engine, fn: Callable[[Connection], T]) -> T:
    """Run a store function the way the app's database service does: in one transaction."""
    with write_tx(engine) as conn:
        return fn(conn)
