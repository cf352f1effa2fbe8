"""Browser: a sub-cent budget is set on the Ledger, and both budget meters read it the same way."""

from __future__ import annotations

from datetime import timedelta

from playwright.sync_api import Locator, Page, expect

from forge_orchestrator.db.engine import make_engine
from forge_orchestrator.db.utils import utcnow
from forge_orchestrator.ledger.recorder import LedgerEntry, record

from .harness import ServerProcess


def spend_today(server: ServerProcess, costs: list[float]) -> None:
    """Priced calls recorded today, written into the running server's database."""
    engine = make_engine(f"sqlite:///{server.data_dir / 'forge.db'}")
    now = utcnow()
    try:
        for i, usd in enumerate(costs):
            record(
                engine,
                LedgerEntry(
                    provider="openai",
                    model_used="gpt-6.2-sol",
                    prompt_hash=f"{i:064x}",
                    status="SUCCESS",
                    # Seconds apart: they stay "today" even just after midnight UTC.
                    timestamp=now - timedelta(seconds=i + 1),
                    input_tokens=1000,
                    output_tokens=100,
                    total_cost_usd=usd,
                    cost_status="priced",
                    attempts=1,
                ),
            )
    finally:
        engine.dispose()


def set_budget_in_ledger(page: Page, server: ServerProcess, limit: str) -> Locator:
    page.goto(f"{server.base_url}/ledger")
    budgets = page.get_by_role("region", name="Budgets")
    # The panel has its budgets (none yet) before the user acts on it.
    expect(budgets.get_by_role("progressbar", name="Loading budgets")).to_have_count(0)
    budgets.get_by_role("button", name="Set a budget").click()
    add = budgets.get_by_role("button", name="Add budget")
    try:
        expect(add).to_be_visible()
    except AssertionError:
        # Seen once in a full CI run (the editor never opened) and not reproduced since: keep
        # what the page showed, to find out why the next time.
        evidence = server.data_dir.parent
        page.screenshot(path=evidence / "budgets-editor-did-not-open.png", full_page=True)
        (evidence / "budgets-editor-did-not-open.html").write_text(page.content())
        raise
    add.click()
    budgets.get_by_label("Limit USD").fill(limit)
    budgets.get_by_role("button", name="Save budgets").click()
    return budgets


def test_a_sub_cent_budget_is_accepted_and_listed_exactly(
    page: Page, server: ServerProcess
) -> None:
    spend_today(server, [0.01, 0.011])
    budgets = set_budget_in_ledger(page, server, "0.033")
    bar = budgets.get_by_role("progressbar", name="global daily budget used")
    expect(bar).to_be_visible()
    # $0.021 of $0.033 is 63.6 %; the limit reads as typed, not rounded to $0.03.
    expect(bar).to_have_attribute("aria-valuenow", "64")
    expect(budgets.get_by_text("$0.021 of $0.033 used")).to_be_visible()
    with server.client() as api:
        assert api.get("/api/budgets").json()["budgets"][0]["limit_usd"] == 0.033

    # Editing again shows the stored limit; a limit that is no amount is explained, not sent.
    budgets.get_by_role("button", name="Edit budgets").click()
    limit = budgets.get_by_label("Limit USD")
    expect(limit).to_have_value("0.033")
    limit.fill("0")
    budgets.get_by_role("button", name="Save budgets").click()
    expect(budgets.get_by_role("alert")).to_contain_text("must be an amount above $0")
    with server.client() as api:
        assert api.get("/api/budgets").json()["budgets"][0]["limit_usd"] == 0.033


def test_the_architect_and_ledger_meters_agree_on_the_same_budget(
    page: Page, server: ServerProcess
) -> None:
    spend_today(server, [0.005, 0.0075, 0.0075])
    budgets = set_budget_in_ledger(page, server, "0.05")
    ledger_bar = budgets.get_by_role("progressbar", name="global daily budget used")
    # $0.02 of $0.05: both screens fill 40 % (the used share) and say so in the same words.
    expect(ledger_bar).to_have_attribute("aria-valuenow", "40")
    expect(budgets.get_by_text("$0.02 of $0.05 used")).to_be_visible()
    ledger_fill = ledger_bar.locator("span").first.get_attribute("style")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Architect").click()
    expect(page.get_by_role("heading", name="Architect", exact=True)).to_be_visible()
    meter = page.get_by_role("progressbar", name="global daily budget used")
    expect(meter).to_have_attribute("aria-valuenow", "40")
    expect(page.get_by_text("$0.02 of $0.05 used")).to_be_visible()
    assert meter.locator("span").first.get_attribute("style") == ledger_fill
    assert ledger_fill is not None and "width: 40%" in ledger_fill
