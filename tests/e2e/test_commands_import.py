"""Browser: a wrong import file gets one clear error; re-importing a deck's own export asks
what to do with the cards already there (skip, replace) instead of duplicating them."""

from __future__ import annotations

import json
from pathlib import Path

from playwright.sync_api import Page, expect

from .harness import ServerProcess
from .test_commands import open_commands


def test_a_wrong_file_shows_one_error(page: Page, tmp_path: Path) -> None:
    wrong = tmp_path / "my-flow.json"
    wrong.write_text(json.dumps({"name": "a flow", "nodes": [], "edges": []}))
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    good = tmp_path / "good.json"
    good.write_text(json.dumps({"format": "forge-command-cards", "version": 1, "cards": [
        {"name": "Echo", "command": "echo ok"}]}))  # fmt: skip
    open_commands(page)
    picker = page.get_by_label("Import cards file")
    picker.set_input_files(wrong)
    toasts = page.locator(".toast")
    expect(toasts.filter(has_text="Field required").first).to_be_visible()
    # Both toasts of a doubled error come from the one failed request: once it has settled,
    # exactly one is showing.
    page.wait_for_load_state("networkidle")
    expect(toasts.filter(has_text="Field required")).to_have_count(1)
    expect(toasts.filter(has_text="Field required")).to_contain_text(
        "Import of my-flow.json failed: cards: Field required"
    )
    picker.set_input_files(good)
    expect(toasts.filter(has_text="Imported 1 card")).to_be_visible()
    expect(page.get_by_role("article", name="Card Echo")).to_be_visible()
    # A success clears the earlier error (no stale red toast beside it).
    expect(toasts.filter(has_text="Field required")).to_have_count(0)
    picker.set_input_files(broken)
    expect(
        toasts.filter(has_text="Import of broken.json failed: it is not valid JSON")
    ).to_be_visible()


def test_reimporting_the_same_file_asks_and_skips_or_replaces(
    page: Page, server: ServerProcess, tmp_path: Path
) -> None:
    with server.client() as api:
        for name in ("Disk usage", "List"):
            api.post("/api/commands", json={"name": name, "command": f"echo {name}"})
        bundle = api.get("/api/commands/export").json()
    bundle["cards"][0]["description"] = "as in the file"
    bundle["cards"].append({"name": "New one", "command": "echo new"})
    deck = tmp_path / "forge-commands.json"
    deck.write_text(json.dumps(bundle))

    open_commands(page)
    cards = page.get_by_role("article")
    expect(cards).to_have_count(2)
    page.get_by_label("Import cards file").set_input_files(deck)
    ask = page.get_by_role("dialog", name="Cards already in your deck")
    expect(ask).to_contain_text("2 of the 3 cards in forge-commands.json")
    expect(ask.get_by_role("list", name="Cards already in the deck")).to_contain_text("Disk usage")
    ask.get_by_role("button", name="Skip them").click()
    expect(
        page.locator(".toast").filter(has_text="Imported 1 card; skipped 2 already in the deck")
    ).to_be_visible()
    expect(cards).to_have_count(3)
    expect(page.get_by_role("article", name="Card New one")).to_be_visible()

    page.get_by_label("Import cards file").set_input_files(deck)
    expect(ask).to_contain_text("3 of the 3 cards")
    ask.get_by_role("button", name="Replace them").click()
    expect(page.locator(".toast").filter(has_text="Imported 0 cards; replaced 3")).to_be_visible()
    expect(cards).to_have_count(3)
    expect(page.get_by_role("article", name="Card Disk usage")).to_contain_text("as in the file")

    page.get_by_label("Import cards file").set_input_files(deck)
    ask.get_by_role("button", name="Cancel import").click()
    expect(ask).to_be_hidden()
    expect(cards).to_have_count(3)
