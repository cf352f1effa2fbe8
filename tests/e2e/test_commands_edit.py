"""Browser: editing cards (hand-made and Architect-made) saves and runs in the new directory;
the card form guards unsaved work; the run dialog shows the risk verdict's reasons before Run."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Page, expect

from .harness import ServerProcess
from .test_commands import open_commands


def test_edit_name_and_cwd_of_a_hand_made_and_an_architect_card(
    page: Page, server: ServerProcess, tmp_path: Path
) -> None:
    workdir = tmp_path / "work dir"
    workdir.mkdir()
    architect = {
        "source": "architect",
        "prompt": "where am I",
        "provider": "openai",
        "model": "gpt-x",
        "explanation": {"parts": [], "assumptions": []},
    }
    with server.client() as api:
        for name, extra in (("Where", {}), ("Arch where", architect)):
            made = api.post(
                "/api/commands", json={"name": name, "command": "pwd", "cwd": "/no/such", **extra}
            )
            assert made.status_code == 201, made.text
    open_commands(page)
    for old, new in (("Where", "Here"), ("Arch where", "Arch here")):
        page.get_by_role("article", name=f"Card {old}", exact=True).get_by_role(
            "button", name="Edit"
        ).click()
        form = page.get_by_role("dialog", name="Edit card")
        form.get_by_label("Name").fill(new)
        form.get_by_label("Working directory").fill(str(workdir))
        form.get_by_role("button", name="Save").click()
        expect(form).to_be_hidden()

        card = page.get_by_role("article", name=f"Card {new}", exact=True)
        expect(card.get_by_test_id("card-cwd")).to_have_text(f"in {workdir}")
        expect(page.get_by_role("article", name=f"Card {old}", exact=True)).to_have_count(0)
        card.get_by_role("button", name="Run").click()
        dialog = page.get_by_role("dialog", name=f"Run “{new}”")
        dialog.get_by_role("button", name="Run", exact=True).click()
        expect(dialog.locator(".badge.succeeded")).to_be_visible()
        expect(dialog.get_by_label("Command output")).to_contain_text(str(workdir))
        dialog.get_by_role("button", name="Close").click()
        expect(dialog).to_be_hidden()


def test_a_caution_one_off_shows_its_reasons_before_run(page: Page, tmp_path: Path) -> None:
    open_commands(page)
    page.get_by_label("One-off command").fill("rm -r ./build-that-does-not-exist")
    page.get_by_label("One-off command").press("Enter")
    dialog = page.get_by_role("dialog", name="Run command")
    expect(dialog.get_by_label(re.compile("^Risk: caution"))).to_be_visible()
    reasons = dialog.get_by_role("list", name="Why this is flagged")
    expect(reasons).to_contain_text("deletes ./build-that-does-not-exist recursively")
    expect(dialog.get_by_role("button", name="Run", exact=True)).to_be_visible()
    dialog.get_by_role("button", name="Close").click()

    # A dangerous one-off: the reasons and the typed confirmation, before anything runs.
    page.get_by_label("One-off command").fill("rm -rf ~/forge-e2e-never-there")
    page.get_by_role("button", name="Run", exact=True).click()
    dialog = page.get_by_role("dialog", name="Run command")
    expect(dialog.get_by_label(re.compile("^Risk: dangerous"))).to_be_visible()
    expect(dialog.get_by_role("list", name="Why this is flagged")).to_contain_text(
        "inside the home directory"
    )
    expect(dialog.get_by_role("button", name="Run", exact=True)).to_be_disabled()


def test_the_card_form_guards_unsaved_work(page: Page) -> None:
    nav = page.get_by_role("navigation", name="Main")
    nav.get_by_role("link", name="Flows").click()
    nav.get_by_role("link", name="Commands").click()
    page.get_by_role("button", name="New card").click()
    form = page.get_by_role("dialog", name="New card")
    form.get_by_label("Name").fill("Half written")
    # The form is modal (the sidebar is inert behind it): Back, to the Flows screen, is the
    # in-app way out.
    page.go_back()
    leave = page.get_by_role("dialog", name="Leave without saving?")
    expect(leave).to_be_visible()
    leave.get_by_role("button", name="Stay").click()
    expect(leave).to_be_hidden()
    expect(form.get_by_label("Name")).to_have_value("Half written")
    expect(page).to_have_url(re.compile("/commands$"))

    # Escape or Cancel with unsaved text asks too, and "Keep editing" keeps it.
    form.get_by_label("Name").press("Escape")
    discard = page.get_by_role("dialog", name="Discard this card?")
    expect(discard).to_be_visible()
    discard.get_by_role("button", name="Keep editing").click()
    expect(form.get_by_label("Name")).to_have_value("Half written")
    form.get_by_role("button", name="Cancel").click()
    page.get_by_role("dialog", name="Discard this card?").get_by_role(
        "button", name="Discard"
    ).click()
    expect(form).to_be_hidden()
