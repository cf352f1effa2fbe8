"""Browser: run view and list polish — the Steps table shows Cost at 1280 and 360 px, a rejected
approval says so, a gated step's time agrees with the run's, and the Flows list fits a phone."""

from __future__ import annotations

import re
from itertools import pairwise
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.fakes.llm_server import FakeLLMServer, Reply

from .harness import ServerProcess, fake_provider_env

pytestmark = pytest.mark.e2e


@pytest.fixture
def server_env(fake_llm: FakeLLMServer) -> dict[str, str]:
    return fake_provider_env(fake_llm)


def _create(server: ServerProcess, name: str, nodes: list[dict[str, Any]], **settings: Any) -> int:
    edges = [{"source": a["id"], "target": b["id"]} for a, b in pairwise(nodes)]
    data: dict[str, Any] = {"nodes": nodes, "edges": edges}
    if settings:
        data["settings"] = settings
    with server.client() as http:
        r = http.post("/api/flows", json={"name": name, "data": data})
        r.raise_for_status()
        return int(r.json()["id"])


def _run_in_ui(page: Page, server: ServerProcess, flow_id: int) -> None:
    page.goto(f"{server.base_url}/flows/{flow_id}")
    page.get_by_role("button", name="Run", exact=True).click()
    page.get_by_role("button", name="Start run").click()
    expect(page).to_have_url(re.compile(r"/runs/\d+$"))


def _llm_flow(server: ServerProcess, fake_llm: FakeLLMServer) -> int:
    fake_llm.script(Reply(text="Three files changed.", input_tokens=1200, output_tokens=300))
    nodes = [
        {
            "id": "collect_changed_files",
            "type": "shell",
            "data": {"command": "echo a.py b.py c.py"},
        },
        {
            "id": "summarize_the_changes_for_review",
            "type": "llm",
            "data": {
                "prompt": "Summarize: {{ nodes.collect_changed_files.output }}",
                "provider": "openai",
                "model": "gpt-4o-mini",
                "max_tokens": 200,
            },
        },
    ]
    return _create(server, "Summaries", nodes, auto_approve=True)


def _cost_cell_visible(page: Page, right_limit: float) -> None:
    steps = page.get_by_role("region", name="Steps")
    cost = steps.locator("tbody tr").nth(1).locator("td").nth(4)
    expect(cost).to_contain_text(re.compile(r"\$0\.0"))
    header = steps.get_by_role("columnheader", name="Cost")
    for cell in (cost, header):
        box = cell.bounding_box()
        assert box is not None
        assert box["x"] + box["width"] <= right_limit + 0.5, (box, right_limit)


def test_steps_table_shows_cost_at_1280(
    page: Page, server: ServerProcess, fake_llm: FakeLLMServer
) -> None:
    page.set_viewport_size({"width": 1280, "height": 800})
    _run_in_ui(page, server, _llm_flow(server, fake_llm))
    expect(page.get_by_test_id("run-status")).to_have_text("succeeded", timeout=30_000)
    side = page.get_by_role("complementary", name="Run details").bounding_box()
    assert side is not None
    _cost_cell_visible(page, side["x"] + side["width"])


def test_steps_table_shows_cost_at_360(
    browser: Browser, server: ServerProcess, fake_llm: FakeLLMServer
) -> None:
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(server.login_url)
    _run_in_ui(page, server, _llm_flow(server, fake_llm))
    expect(page.get_by_test_id("run-status")).to_have_text("succeeded", timeout=30_000)
    _cost_cell_visible(page, 360)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    context.close()


def test_a_rejected_approval_reads_as_rejected(page: Page, server: ServerProcess) -> None:
    flow_id = _create(
        server,
        "Release",
        [
            {"id": "build", "type": "shell", "data": {"command": "true"}},
            {"id": "approval_1", "type": "approval", "data": {"message": "Ship it?"}},
        ],
    )
    _run_in_ui(page, server, flow_id)
    gate = page.get_by_test_id("node-state-approval_1")
    gate.get_by_role("button", name="Reject").click()
    page.get_by_role("dialog", name="Reject step approval_1?").get_by_role(
        "button", name="Reject"
    ).click()
    expect(page.get_by_test_id("run-status")).to_have_text("failed")
    expect(page.locator(".run-error")).to_have_text("Step approval_1 was rejected")


def _seconds(text: str) -> float:
    match = re.search(r"([\d.]+) (ms|s)\b", text)
    assert match is not None, text
    return float(match.group(1)) / (1000 if match.group(2) == "ms" else 1)


def test_a_gated_llm_step_counts_its_wait_like_the_run_does(
    page: Page, server: ServerProcess, fake_llm: FakeLLMServer
) -> None:
    fake_llm.script(Reply(text="Fine.", input_tokens=10, output_tokens=2))
    step = {
        "id": "summary",
        "type": "llm",
        "data": {"prompt": "Say fine", "provider": "openai", "model": "gpt-4o-mini"},
    }
    _run_in_ui(page, server, _create(server, "Gated summary", [step]))
    waiting = page.get_by_role("region", name="Waiting for approval")
    expect(waiting).to_contain_text("summary waits for approval")
    page.wait_for_timeout(1500)  # the person takes a moment to decide
    waiting.get_by_role("button", name="Approve summary").click()
    expect(page.get_by_test_id("run-status")).to_have_text("succeeded", timeout=30_000)
    card = page.get_by_test_id("node-state-summary")
    expect(card).to_contain_text(re.compile(r"\d s"))
    header = page.locator(".flow-toolbar .muted.small").inner_text()
    step_s, run_s = _seconds(card.inner_text()), _seconds(header.split("·")[2])
    # The step's card and the run's header measure the same wait (the run adds a few ms).
    assert 1.5 <= step_s <= run_s + 0.05, (card.inner_text(), header)


def test_the_flows_list_fits_a_phone(browser: Browser, server: ServerProcess) -> None:
    for name in ("Build, test and review the nightly release", "Second flow"):
        _create(server, name, [{"id": "a", "type": "shell", "data": {"command": "true"}}])
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.goto(server.login_url)
    page.goto(f"{server.base_url}/flows")
    expect(page.get_by_role("link", name="Second flow", exact=True)).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    # Every flow's actions are on screen, not hidden in a table that scrolls sideways.
    delete = page.get_by_role("button", name="Delete Second flow")
    box = delete.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 360
    context.close()
