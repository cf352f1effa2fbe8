"""First browser test: the token URL signs in, the shell and welcome render, navigation works."""

from __future__ import annotations

from playwright.sync_api import Browser, Page, expect

from .harness import ServerProcess


def test_token_url_signs_in_and_shows_the_welcome(page: Page, server: ServerProcess) -> None:
    expect(page.get_by_role("heading", name="Welcome to Forge Orchestrator")).to_be_visible()
    # The token is gone from the address bar and lives only in the HttpOnly cookie.
    assert "token=" not in page.url
    assert page.evaluate("document.cookie") == ""
    cookies = page.context.cookies()
    assert any(
        c["name"] == "forge_token" and c["httpOnly"] and c["sameSite"] == "Strict" for c in cookies
    )
    expect(page.get_by_role("heading", name="Add a provider first")).to_be_visible()


def test_navigation_reaches_every_listed_screen(page: Page) -> None:
    nav = page.get_by_role("navigation", name="Main")
    # .all() does not wait: let the shell finish its auth check and render the navigation first.
    expect(nav.get_by_role("link", name="Settings")).to_be_visible()
    links = nav.get_by_role("link").all()
    labels = [link.inner_text().strip() for link in links]
    assert "Home" in labels
    for label in labels:
        if label in ("Home", "⚒ Forge"):
            continue
        nav.get_by_role("link", name=label, exact=True).click()
        # Screens are lazy chunks; a loaded machine can take a while to fetch and parse them.
        expect(page.locator("main h1").first).to_be_visible(timeout=30_000)
        expect(page.get_by_role("heading", name="Not found")).to_have_count(0)


def test_without_token_the_app_explains_how_to_sign_in(
    browser: Browser, server: ServerProcess
) -> None:
    context = browser.new_context()
    page = context.new_page()
    page.goto(server.base_url + "/")
    expect(page.get_by_role("heading", name="Open Forge with its access link")).to_be_visible()
    context.close()


def test_usable_at_360px(browser: Browser, server: ServerProcess) -> None:
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.goto(server.login_url)
    expect(page.get_by_role("heading", name="Welcome to Forge Orchestrator")).to_be_visible()
    # No horizontal scrolling on a phone-sized screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.get_by_role("button", name="Toggle navigation").click()
    expect(
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Home")
    ).to_be_visible()
    context.close()
