"""Browser: the Ledger screen shows recorded calls, filters them, exports CSV, edits budgets."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from playwright.sync_api import Page, expect

from forge_orchestrator.db.engine import make_engine
from forge_orchestrator.db.utils import utcnow
from forge_orchestrator.ledger.recorder import LedgerEntry, record

from .harness import ServerProcess


def seed(server: ServerProcess) -> None:
    """Calls as the gateway records them, written into the running server's database."""
    engine = make_engine(f"sqlite:///{server.data_dir / 'forge.db'}")
    now = utcnow()
    try:
        for i in range(6):
            model, provider = (
                ("claude-haiku-5-5", "anthropic") if i % 3 == 0 else ("gpt-6.2-sol", "openai")
            )
            record(
                engine,
                LedgerEntry(
                    provider=provider,
                    model_used=model,
                    prompt_hash=f"{i:064x}",
                    status="TIMEOUT" if i == 4 else "SUCCESS",
                    # Seconds apart, not minutes: "today's spend" must hold them even just after midnight UTC.
                    timestamp=now - timedelta(seconds=i + 1),
                    agent_role="architect" if i < 3 else "planner",
                    input_tokens=1000 + i,
                    output_tokens=100 + i,
                    total_cost_usd=0.001 * (i + 1),
                    latency_ms=800 + 100 * i,
                    error_message="read timed out" if i == 4 else None,
                    cost_status="priced",
                    attempts=1,
                ),
            )
    finally:
        engine.dispose()


def test_ledger_screen_lists_filters_and_exports(page: Page, server: ServerProcess) -> None:
    seed(server)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Ledger").click()
    expect(page.get_by_role("heading", name="Ledger", exact=True)).to_be_visible()
    expect(page.get_by_test_id("total-calls")).to_have_text("6")
    expect(page.get_by_test_id("total-cost")).to_have_text("$0.0210")
    calls = page.get_by_role("region", name="Ledger calls")
    rows = calls.locator("tbody tr.ledger-row")
    expect(rows).to_have_count(6)
    expect(calls.get_by_text("TIMEOUT")).to_be_visible()
    expect(
        page.get_by_role("region", name="Cost per day by model")
        .locator(".recharts-bar-rectangle")
        .first
    ).to_be_visible()

    # Expanding a row shows every column, including the error message.
    calls.locator("tr.status-timeout").click()
    expect(calls.get_by_text("read timed out")).to_be_visible()

    page.get_by_role("search", name="Ledger filters").get_by_label(
        "Model", exact=True
    ).select_option("claude-haiku-5-5")
    expect(rows).to_have_count(2)
    expect(page.get_by_test_id("total-calls")).to_have_text("2")
    with page.expect_download() as info:
        page.get_by_role("link", name="Export CSV").click()
    text = info.value.path().read_text(encoding="utf-8")
    exported = list(csv.DictReader(io.StringIO(text)))
    assert {r["model_used"] for r in exported} == {"claude-haiku-5-5"} and len(exported) == 2
    assert info.value.suggested_filename.endswith(".csv")


def test_budgets_are_set_on_the_ledger_screen(page: Page, server: ServerProcess) -> None:
    seed(server)
    page.goto(f"{server.base_url}/ledger")
    budgets = page.get_by_role("region", name="Budgets")
    budgets.get_by_role("button", name="Set a budget").click()
    budgets.get_by_role("button", name="Add budget").click()
    budgets.get_by_label("Limit USD").fill("0.05")
    budgets.get_by_role("button", name="Save budgets").click()
    bar = budgets.get_by_role("progressbar", name="global daily budget used")
    expect(bar).to_be_visible()
    # $0.021 of $0.05 spent today → 42 %.
    expect(bar).to_have_attribute("aria-valuenow", "42")
    with server.client() as api:
        assert api.get("/api/budgets").json()["budgets"][0]["limit_usd"] == 0.05


def test_ledger_screen_at_phone_width(page: Page, server: ServerProcess) -> None:
    seed(server)
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(f"{server.base_url}/ledger")
    expect(page.get_by_test_id("total-calls")).to_have_text("6")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the page scrolls sideways at 360 px ({width}px wide)"


def test_the_ledger_filters_and_charts_by_who_made_the_calls(
    page: Page, server: ServerProcess
) -> None:
    """Team mode: calls from several Forges on one database, told apart by user and machine."""
    engine = make_engine(f"sqlite:///{server.data_dir / 'forge.db'}")
    now = utcnow()
    who = [("alice", "alice-laptop"), ("alice", "build-box"), ("bob", "bob-desk")]
    try:
        for i, (user, machine) in enumerate(who):
            record(
                engine,
                LedgerEntry(
                    provider="openai",
                    model_used="gpt-6.2-sol",
                    prompt_hash=f"{i:064x}",
                    status="SUCCESS",
                    timestamp=now - timedelta(seconds=i + 1),
                    total_cost_usd=0.001 * (i + 1),
                    cost_status="priced",
                    attempts=1,
                    user_name=user,
                    machine=machine,
                ),
            )
    finally:
        engine.dispose()
    page.goto(f"{server.base_url}/ledger")
    expect(page.get_by_test_id("total-calls")).to_have_text("3")
    expect(
        page.get_by_role("region", name="Cost by user").locator(".recharts-bar-rectangle").first
    ).to_be_visible()
    filters = page.get_by_role("search", name="Ledger filters")
    filters.get_by_label("User", exact=True).select_option("alice")
    expect(page.get_by_test_id("total-calls")).to_have_text("2")
    filters.get_by_label("Machine", exact=True).select_option("build-box")
    expect(page.get_by_test_id("total-calls")).to_have_text("1")
    assert "user=alice" in page.url and "machine=build-box" in page.url
    rows = page.get_by_role("region", name="Ledger calls").locator("tbody tr.ledger-row")
    expect(rows).to_have_count(1)
    expect(rows.first.get_by_text("alice")).to_be_visible()
