"""Browser: the run dialog starts where Enter runs; one card's history does not stretch its
neighbours; a tag with spaces is a one-line pill; the card form lists every shell, saying
which ones Forge cannot run."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from .harness import ServerProcess
from .test_commands import open_commands


def test_enter_runs_from_where_the_dialog_opens(page: Page, server: ServerProcess) -> None:
    with server.client() as api:
        api.post("/api/commands", json={"name": "Plain", "command": "echo plain ok"})
        api.post("/api/commands", json={"name": "Greet", "command": 'echo "hi {{who}}"'})
    open_commands(page)
    page.get_by_role("article", name="Card Plain").get_by_role("button", name="Run").click()
    dialog = page.get_by_role("dialog", name="Run “Plain”")
    expect(dialog.get_by_role("button", name="Run", exact=True)).to_be_focused()
    page.keyboard.press("Enter")
    expect(dialog.get_by_label("Command output")).to_contain_text("plain ok")
    expect(dialog.get_by_role("button", name="Run again")).to_be_enabled()
    dialog.get_by_role("button", name="Close").click()

    page.get_by_role("article", name="Card Greet").get_by_role("button", name="Run").click()
    dialog = page.get_by_role("dialog", name="Run “Greet”")
    expect(dialog.get_by_label("Variable who")).to_be_focused()
    page.keyboard.type("keyboard")
    page.keyboard.press("Enter")
    expect(dialog.get_by_label("Command output")).to_contain_text("hi keyboard")


def test_history_grows_only_its_card(page: Page, server: ServerProcess) -> None:
    with server.client() as api:
        for name in ("Left", "Middle", "Right"):
            api.post(
                "/api/commands",
                json={"name": name, "command": "true", "tags": ["ops"]},
            )
    open_commands(page)
    left = page.get_by_role("article", name="Card Left")
    middle = page.get_by_role("article", name="Card Middle")
    before = middle.bounding_box()
    assert before is not None and left.bounding_box() is not None
    assert left.bounding_box()["y"] == before["y"], "the cards share a grid row"  # type: ignore[index]
    left.get_by_role("button", name="History").click()
    expect(left.get_by_text("No runs yet.")).to_be_visible()
    after = middle.bounding_box()
    assert after is not None and after["height"] == before["height"]


def test_a_tag_with_spaces_is_a_one_line_pill(page: Page, server: ServerProcess) -> None:
    with server.client() as api:
        api.post(
            "/api/commands",
            json={"name": "Middle", "command": "true", "tags": ["needs careful review", "ops"]},
        )
    open_commands(page)
    middle = page.get_by_role("article", name="Card Middle")
    spaced = middle.get_by_role("button", name="needs careful review")
    short = middle.get_by_role("button", name="ops", exact=True)
    spaced_box, short_box = spaced.bounding_box(), short.bounding_box()
    assert spaced_box is not None and short_box is not None
    assert spaced_box["height"] == short_box["height"] < 30
    assert spaced_box["width"] > 2 * spaced_box["height"]


def test_the_card_form_lists_every_shell_and_which_run_here(page: Page) -> None:
    open_commands(page)
    page.get_by_role("button", name="New card").click()
    shell = page.get_by_role("dialog", name="New card").get_by_label("Shell")
    options = shell.locator("option")
    expect(options).to_have_text(
        [
            "bash",
            "zsh",
            "sh",
            "dash",
            "fish (the Architect only: Forge does not run it)",
            "powershell (the Architect only: Forge does not run it)",
        ]
    )
    expect(shell.locator("option[value=fish]")).to_be_disabled()
    shell.select_option("zsh")
    expect(shell).to_have_value("zsh")
