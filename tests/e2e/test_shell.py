"""First browser test: the login link signs in, the shell and welcome render, navigation works."""

from __future__ import annotations

from playwright.sync_api import Browser, Page, expect

from .harness import TOKEN, ServerProcess


def test_printed_login_link_signs_in_once_and_shows_the_welcome(
    browser: Browser, server: ServerProcess
) -> None:
    context = browser.new_context()
    page = context.new_page()
    printed = server.printed_login_url()
    page.goto(printed)
    expect(page.get_by_role("heading", name="Welcome to Forge Orchestrator")).to_be_visible()
    # The code and the session secret are gone from the address bar; the cookie is HttpOnly,
    # named for this port, and is not the API token.
    assert "code=" not in page.url and "forge-session" not in page.url
    assert page.evaluate("document.cookie") == ""
    cookies = page.context.cookies()
    assert [c["name"] for c in cookies] == [f"forge_session_{server.port}"]
    assert cookies[0]["httpOnly"] and cookies[0]["sameSite"] == "Strict"
    assert TOKEN not in cookies[0]["value"]
    expect(page.get_by_role("heading", name="Add a provider first")).to_be_visible()
    context.close()
    # The printed link worked once: a second browser gets the explanation, not a session.
    other = browser.new_context()
    page = other.new_page()
    page.goto(printed)
    expect(page.get_by_role("heading", name="This login link is not valid")).to_be_visible()
    assert other.cookies() == []
    other.close()


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
    expect(page.get_by_role("heading", name="Open Forge with a login link")).to_be_visible()
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


def test_the_first_tab_skips_past_the_sidebar_to_the_screen(
    page: Page, server: ServerProcess
) -> None:
    page.goto(server.base_url + "/commands")
    expect(page.get_by_role("heading", name="Commands", exact=True)).to_be_visible()
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    # The next Tab lands inside the screen, not on the sidebar's links.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('main') !== null")
