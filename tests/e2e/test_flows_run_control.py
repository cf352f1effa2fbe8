"""Browser: a flow run is cancelled from the run view (after a "Keep running" second thought)
and then resumed from the same view, where it finishes."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from .harness import ServerProcess

pytestmark = pytest.mark.e2e


def test_cancel_then_resume_a_flow_run(page: Page, server: ServerProcess, tmp_path: Path) -> None:
    mark = tmp_path / "first-attempt"
    # The first attempt waits (so it can be cancelled); the resumed attempt finishes at once.
    command = f'test -e "{mark}" && echo resumed || {{ touch "{mark}"; sleep 60; }}'
    definition = {
        "nodes": [{"id": "work", "type": "shell", "data": {"command": command}}],
        "edges": [],
    }
    with server.client() as http:
        flow = http.post("/api/flows", json={"name": "Resumable", "data": definition}).json()
    page.goto(f"{server.base_url}/flows/{flow['id']}")
    page.get_by_role("button", name="Run", exact=True).click()
    page.get_by_role("button", name="Start run").click()
    status = page.get_by_test_id("run-status")
    expect(page.get_by_test_id("node-state-work")).to_have_attribute("data-status", "running")

    # Second thoughts: "Keep running" backs out and the run goes on.
    page.get_by_role("button", name="Cancel run").click()
    ask = page.get_by_role("dialog", name="Cancel this run?")
    ask.get_by_role("button", name="Keep running").click()
    expect(ask).to_be_hidden()
    expect(status).to_have_text("running")

    page.get_by_role("button", name="Cancel run").click()
    ask.get_by_role("button", name="Cancel run").click()
    expect(status).to_have_text("cancelled")
    assert mark.exists()

    page.get_by_role("button", name="Resume").click()
    expect(status).to_have_text("succeeded", timeout=30_000)
    page.get_by_role("button", name="work: succeeded").click()
    detail = page.get_by_role("region", name="Step work in this run")
    expect(detail.get_by_label("Output")).to_contain_text("resumed")
    expect(page.get_by_role("button", name="Resume")).to_have_count(0)
