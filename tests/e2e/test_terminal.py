"""Browser: a real shell in xterm.js that survives a reload, resizes with the font, hands off text."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import Browser, Page, expect

from .harness import ServerProcess

SCREEN = ".term-screen:not([hidden])"


@pytest.fixture
def server_env(tmp_path: Path) -> dict[str, str]:
    # Shells start from an empty home, so the developer's rc files stay out of the test.
    home = tmp_path / "home"
    home.mkdir()
    return {"HOME": str(home)}


def _run(page: Page, command: str) -> None:
    page.locator(SCREEN).click()
    page.keyboard.type(command)
    page.keyboard.press("Enter")


def test_command_output_survives_a_page_reload(page: Page, server: ServerProcess) -> None:
    page.goto(f"{server.base_url}/terminal")
    expect(page.get_by_test_id("terminal-status")).to_have_text("Connected")
    _run(page, "echo reload-''marker-$((40+2))")
    rows = page.locator(f"{SCREEN} .xterm-rows")
    expect(rows).to_contain_text("reload-marker-42")
    with server.client() as api:
        before = api.get("/api/terminal/sessions").json()
    assert len(before) == 1

    page.reload()
    expect(page.get_by_test_id("terminal-status")).to_have_text("Connected")
    expect(page.locator(f"{SCREEN} .xterm-rows")).to_contain_text("reload-marker-42")
    with server.client() as api:
        after = api.get("/api/terminal/sessions").json()
    # The same shell (same pid), reattached, not a new one.
    assert [(s["id"], s["pid"]) for s in after] == [(before[0]["id"], before[0]["pid"])]
    _run(page, "echo after-''reload")
    expect(page.locator(f"{SCREEN} .xterm-rows")).to_contain_text("after-reload")

    # With nothing selected, "Save as command card" offers the last command line.
    page.get_by_role("button", name="Save as command card").click()
    dialog = page.get_by_role("dialog", name="Save as command card")
    expect(dialog.get_by_label("Command")).to_have_value("echo after-''reload")
    dialog.get_by_label("Name").fill("Say after reload")
    dialog.get_by_role("button", name="Save card").click()
    expect(page.get_by_text("Saved “Say after reload” to Commands")).to_be_visible()
    with server.client() as api:
        cards = api.get("/api/commands").json()
    assert [(c["name"], c["command"]) for c in cards] == [
        ("Say after reload", "echo after-''reload")
    ]


def test_font_size_resizes_the_same_shell_and_ask_the_architect_masks_keys(
    browser: Browser, server: ServerProcess
) -> None:
    context = browser.new_context(viewport={"width": 360, "height": 780})
    try:
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.goto(server.login_url)
        page.goto(f"{server.base_url}/terminal")
        expect(page.get_by_test_id("terminal-status")).to_have_text("Connected")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 360, f"page scrolls sideways at 360 px ({width} px wide)"

        rows = page.locator(f"{SCREEN} .xterm-rows")
        _run(page, "echo cols=$(tput cols)")
        expect(rows).to_contain_text(re.compile(r"cols=\d+"))
        cols_before = int(re.findall(r"cols=(\d+)", rows.inner_text())[-1])
        with server.client() as api:
            pid = api.get("/api/terminal/sessions").json()[0]["pid"]
        # At 360 px the font buttons are in the "More actions" menu, which stays open for them.
        page.get_by_role("button", name="More actions").click()
        for _ in range(3):
            page.get_by_role("button", name="Larger font").click()
        _run(page, "clear; echo now-cols=$(tput cols)")
        expect(rows).to_contain_text(re.compile(r"now-cols=\d+"))
        cols_after = int(re.findall(r"now-cols=(\d+)", rows.inner_text())[-1])
        assert cols_after < cols_before
        with server.client() as api:
            assert api.get("/api/terminal/sessions").json()[0]["pid"] == pid

        _run(page, "clear; echo key=sk-proj-abcdefghijklmnop0123456789")
        line = rows.locator("div", has_text="key=sk-proj").last
        box = line.bounding_box()
        assert box is not None
        # xterm selects the whole line on a triple click (its overlay takes the real mouse events).
        page.mouse.click(box["x"] + 20, box["y"] + box["height"] / 2, click_count=3)
        page.get_by_role("button", name="More actions").click()
        page.get_by_role("button", name="Ask the Architect").click()
        page.wait_for_url(re.compile(r"/architect\?prompt="))
        prompt = parse_qs(urlparse(page.url).query)["prompt"][0]
        assert "key=" in prompt and "[REDACTED]" in prompt
        assert "sk-proj-abcdefghijklmnop0123456789" not in prompt
    finally:
        context.close()


def _reload(page: Page) -> None:
    page.reload()
    expect(page.get_by_test_id("terminal-status")).to_have_text("Connected")


def _echo_back_a_line(page: Page) -> None:
    """After a reload: type one line into `read`; it must come back as typed, nothing more."""
    _run(page, "end")
    # `cat -v` shows any escape byte, so an answer replayed into the input could not hide.
    expect(page.locator(f"{SCREEN} .xterm-rows")).to_contain_text("got[end]")


def test_a_reload_answers_no_query_of_the_replayed_output(
    page: Page, server: ServerProcess
) -> None:
    page.goto(f"{server.base_url}/terminal")
    expect(page.get_by_test_id("terminal-status")).to_have_text("Connected")
    rows = page.locator(f"{SCREEN} .xterm-rows")
    # The queries of the issue: cursor position, device attributes (1 and 2), background
    # colour, a DEC mode. `read` takes xterm's live answers so the prompt stays clean.
    _run(
        page,
        r"printf '\033[6n\033[c\033[>c\033]11;?\007\033[?12$p'; read -rsd R; read -rsd c; "
        r"read -rsd c; read -rsd '\'; read -rsd y; echo asked-''all",
    )
    expect(rows).to_contain_text("asked-all")
    if shutil.which("vim"):  # a real full-screen program that asks as it starts
        _run(page, "vim -u DEFAULTS -i NONE notes.txt")
        expect(rows).to_contain_text("[New]")
        page.keyboard.type(":q!")
        page.keyboard.press("Enter")
    _run(page, "clear; IFS= read -r line; printf 'got[%s]\\n' \"$line\" | cat -v")
    _reload(page)
    _echo_back_a_line(page)


def test_lines_printed_before_top_are_there_after_it_quits_and_after_a_reload(
    page: Page, server: ServerProcess
) -> None:
    if shutil.which("top") is None:
        pytest.skip("top is not installed on this machine")
    page.goto(f"{server.base_url}/terminal")
    expect(page.get_by_test_id("terminal-status")).to_have_text("Connected")
    rows = page.locator(f"{SCREEN} .xterm-rows")
    _run(page, "for i in $(seq 1 60); do echo numbered-$i; done")
    expect(rows).to_contain_text("numbered-60")
    _run(page, "top")
    expect(rows).to_contain_text("load average")
    page.keyboard.press("q")
    _run(page, "echo top-''quit")
    expect(rows).to_contain_text("top-quit")
    search = page.get_by_label("Search terminal output")
    for when in ("after top", "after a reload"):
        if when == "after a reload":
            _reload(page)
        for n in (24, 42, 60):
            search.fill(f"numbered-{n}")
            search.press("Enter")
            # A match scrolls into view; a line top's clear had erased is never found.
            expect(rows, f"numbered-{n} {when}").to_contain_text(f"numbered-{n}")
            expect(search).not_to_have_attribute("aria-invalid", "true")


def test_the_toolbar_is_one_row_at_360_px_with_its_actions_in_a_menu(
    browser: Browser, server: ServerProcess
) -> None:
    context = browser.new_context(viewport={"width": 360, "height": 740})
    try:
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.goto(server.login_url)
        page.goto(f"{server.base_url}/terminal")
        expect(page.get_by_test_id("terminal-status")).to_have_text("Connected")
        more = page.get_by_role("button", name="More actions")
        toolbar = page.locator(".term-toolbar")
        bar, button = (
            toolbar.bounding_box(),
            page.get_by_role("button", name="Next match").bounding_box(),
        )
        assert bar is not None and button is not None
        assert bar["height"] < 1.5 * button["height"], f"the toolbar wraps: {bar}"
        assert page.evaluate("document.documentElement.scrollWidth") <= 360

        # Keyboard: the menu opens from its button, says so, and Escape gives focus back.
        expect(page.get_by_role("button", name="Copy")).to_be_hidden()
        more.focus()
        page.keyboard.press("Enter")
        expect(more).to_have_attribute("aria-expanded", "true")
        larger = page.get_by_role("button", name="Larger font")
        expect(larger).to_be_visible()
        larger.focus()
        page.keyboard.press("Enter")
        expect(page.get_by_text("15px")).to_be_visible()
        page.keyboard.press("Escape")
        expect(larger).to_be_hidden()
        expect(more).to_be_focused()
        expect(more).to_have_attribute("aria-expanded", "false")
    finally:
        context.close()


def test_closing_a_tab_leaves_the_other_tabs_their_numbers(
    page: Page, server: ServerProcess
) -> None:
    page.goto(f"{server.base_url}/terminal")
    tabs = page.get_by_role("tab")
    expect(tabs).to_have_text(["1 · bash"])
    for count in (2, 3):
        page.get_by_role("button", name="New terminal").click()
        expect(tabs).to_have_count(count)
    expect(tabs).to_have_text(["1 · bash", "2 · bash", "3 · bash"])

    page.get_by_role("button", name="Close terminal 1").click()
    page.get_by_role("dialog").get_by_role("button", name="Close terminal").click()
    expect(tabs).to_have_text(["2 · bash", "3 · bash"])
    page.reload()
    expect(tabs).to_have_text(["2 · bash", "3 · bash"])
    page.get_by_role("button", name="New terminal").click()
    expect(tabs).to_have_text(["2 · bash", "3 · bash", "4 · bash"])


def test_a_full_screen_program_open_at_reload_shows_and_gets_no_old_answers(
    page: Page, server: ServerProcess
) -> None:
    if shutil.which("vim") is None:
        pytest.skip("vim is not installed on this machine")
    page.goto(f"{server.base_url}/terminal")
    expect(page.get_by_test_id("terminal-status")).to_have_text("Connected")
    rows = page.locator(f"{SCREEN} .xterm-rows")
    _run(page, "vim -u DEFAULTS -i NONE open-at-reload.txt")
    expect(rows).to_contain_text('"open-at-reload.txt" [New]')
    _reload(page)
    # Its screen is back (replayed from where it entered), and it still edits.
    expect(rows).to_contain_text('"open-at-reload.txt" [New]')
    page.locator(SCREEN).click()
    page.keyboard.type("ityped-in-vim")
    page.keyboard.press("Escape")
    expect(rows).to_contain_text("typed-in-vim")
    page.keyboard.type(":q!")
    page.keyboard.press("Enter")
    # vim flushes pending input as it restores the terminal: type only once it has gone (its
    # alternate screen left, the normal screen back).
    expect(rows).not_to_contain_text("typed-in-vim")
    _run(page, "clear; IFS= read -r line; printf 'got[%s]\\n' \"$line\" | cat -v")
    _reload(page)
    _echo_back_a_line(page)
