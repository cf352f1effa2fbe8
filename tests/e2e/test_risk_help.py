"""Browser: the risk badge's help opens the written severity policy from the keyboard."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Page, expect

from .harness import ServerProcess

HELP = "What the risk levels mean"


def test_the_badge_help_shows_the_policy_and_closes_on_escape(
    page: Page, server: ServerProcess, tmp_path: Path
) -> None:
    with server.client() as api:
        made = api.post(
            "/api/commands", json={"name": "Wipe x", "command": "rm -rf ~/x", "cwd": str(tmp_path)}
        )
        assert made.status_code == 201
        assert made.json()["risk"]["level"] == "dangerous"
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Commands").click()
    card = page.get_by_role("article", name="Card Wipe x")
    expect(card.get_by_label(re.compile("^Risk: dangerous"))).to_be_visible()

    card.get_by_role("button", name=HELP).focus()
    page.keyboard.press("Enter")
    help_dialog = page.get_by_role("dialog", name=HELP)
    expect(help_dialog).to_be_visible()
    expect(help_dialog.get_by_text(re.compile("Needs typed confirmation"))).to_be_visible()
    expect(
        help_dialog.get_by_text(re.compile("a home directory or anything in it"))
    ).to_be_visible()
    expect(help_dialog.get_by_text(re.compile("not a sandbox"))).to_be_visible()
    page.keyboard.press("Escape")
    expect(help_dialog).to_have_count(0)

    # Inside the run dialog, Escape closes the help and leaves the run dialog open.
    card.get_by_role("button", name="Run").click()
    run = page.get_by_role("dialog", name="Run “Wipe x”")
    expect(run).to_be_visible()
    run.get_by_role("button", name=HELP).click()
    expect(page.get_by_role("dialog", name=HELP)).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.get_by_role("dialog", name=HELP)).to_have_count(0)
    expect(run).to_be_visible()
