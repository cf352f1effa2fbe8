"""Browser: Settings lists the signed-in browsers and ends one; rotating the token ends them all."""

from __future__ import annotations

from playwright.sync_api import Browser, Page, expect

from .harness import ServerProcess


def test_settings_lists_sessions_and_signing_out_ends_this_one(
    page: Page, browser: Browser, server: ServerProcess
) -> None:
    other = browser.new_context()
    other_page = other.new_page()
    other_page.goto(server.login_url)
    expect(other_page.get_by_role("heading", name="Welcome to Forge Orchestrator")).to_be_visible()
    page.goto(f"{server.base_url}/settings#sessions-heading")
    section = page.get_by_test_id("sessions-section")
    expect(section.get_by_test_id("session-row")).to_have_count(2)
    expect(section.get_by_text("(this browser)")).to_have_count(1)
    # End the other browser's session: its next load asks for a login link.
    section.get_by_role("button", name="End session").click()
    expect(section.get_by_test_id("session-row")).to_have_count(1)
    other_page.reload()
    expect(other_page.get_by_role("heading", name="Open Forge with a login link")).to_be_visible()
    other.close()
    # Signing this browser out works the same way.
    section.get_by_role("button", name="Sign out").click()
    page.reload()
    expect(page.get_by_role("heading", name="Open Forge with a login link")).to_be_visible()
