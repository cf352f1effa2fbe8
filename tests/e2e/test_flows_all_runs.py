"""Browser: the runs of every flow in one list, filtered by status and flow, live while running,
each linking to its run view; it fits a 360 px screen."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from .harness import ServerProcess

pytestmark = pytest.mark.e2e


def _flow(http: Any, name: str, nodes: list[dict[str, Any]]) -> int:
    r = http.post("/api/flows", json={"name": name, "data": {"nodes": nodes, "edges": []}})
    r.raise_for_status()
    return int(r.json()["id"])


def _run(http: Any, flow_id: int, until: set[str]) -> int:
    run_id = int(http.post(f"/api/flows/{flow_id}/runs", json={}).json()["run"]["id"])
    deadline = time.monotonic() + 30
    while http.get(f"/api/flows/runs/{run_id}").json()["status"] not in until:
        assert time.monotonic() < deadline, f"run {run_id} did not reach {until}"
        time.sleep(0.05)
    return run_id


def _seed(server: ServerProcess) -> dict[str, int]:
    with server.client() as http:
        ok = _flow(
            http, "Nightly build", [{"id": "a", "type": "shell", "data": {"command": "true"}}]
        )
        bad = _flow(
            http, "Broken deploy", [{"id": "a", "type": "shell", "data": {"command": "exit 4"}}]
        )
        gate = _flow(
            http, "Gated release", [{"id": "g", "type": "approval", "data": {"message": "go?"}}]
        )
        return {
            "ok": _run(http, ok, {"succeeded"}),
            "bad": _run(http, bad, {"failed"}),
            "gate": _run(http, gate, {"awaiting_approval"}),
            "gate_flow": gate,
        }


def test_all_runs_filter_live_status_and_links(page: Page, server: ServerProcess) -> None:
    ids = _seed(server)
    page.goto(f"{server.base_url}/flows")
    page.get_by_role("link", name="All runs").click()
    table = page.get_by_role("table", name="Flow runs")
    rows = table.locator("tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.nth(0)).to_contain_text("Gated release")
    expect(rows.nth(1)).to_contain_text("Broken deploy")
    expect(rows.nth(2)).to_contain_text("Nightly build")
    expect(rows.nth(2)).to_contain_text(re.compile(r"\d+ ms|\d+\.\d s"))
    expect(rows.nth(2)).to_contain_text("$0")
    gate_status = page.get_by_test_id(f"all-runs-status-{ids['gate']}")
    expect(gate_status).to_have_text("awaiting approval")

    # Approved elsewhere: the list catches up by itself.
    with server.client() as http:
        http.post(f"/api/flows/runs/{ids['gate']}/nodes/g/approve").raise_for_status()
    expect(gate_status).to_have_text("succeeded", timeout=15_000)

    page.get_by_label("Filter by status").select_option(label="failed")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Broken deploy")
    expect(page).to_have_url(re.compile(r"status=failed"))
    page.get_by_label("Filter by status").select_option(label="Any status")
    page.get_by_label("Filter by flow").select_option(label="Gated release")
    expect(rows).to_have_count(1)
    page.reload()
    expect(page.get_by_label("Filter by flow")).to_have_value(str(ids["gate_flow"]))
    expect(rows).to_have_count(1)

    rows.first.get_by_role("link", name=f"Run #{ids['gate']}").click()
    expect(page).to_have_url(re.compile(rf"/flows/{ids['gate_flow']}/runs/{ids['gate']}$"))
    expect(page.get_by_test_id("run-status")).to_have_text("succeeded")


def test_all_runs_fit_a_phone(browser: Browser, server: ServerProcess) -> None:
    _seed(server)
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.goto(server.login_url)
    page.goto(f"{server.base_url}/flows/runs")
    expect(page.get_by_role("table", name="Flow runs").locator("tbody tr")).to_have_count(3)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    context.close()
