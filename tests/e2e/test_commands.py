"""Browser: the Commands screen creates a card with a variable, runs it live, shows history;
a dangerous card needs a typed confirmation; a crash leaves runs `interrupted`, not running."""

from __future__ import annotations

import re
import time
from pathlib import Path

import psutil
from playwright.sync_api import Browser, Page, Route, expect

from .harness import ServerProcess


def open_commands(page: Page) -> None:
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Commands").click()
    expect(page.get_by_role("heading", name="Commands", exact=True)).to_be_visible()


def test_create_a_card_with_a_variable_run_it_and_see_history(page: Page) -> None:
    open_commands(page)
    page.get_by_role("button", name="New card").click()
    form = page.get_by_role("dialog", name="New card")
    form.get_by_label("Name").fill("Greet")
    form.get_by_label("Command").fill(
        "printf '\\033[32m%s\\033[0m\\n' \"hello {{who}}\"; echo done >&2"
    )
    form.get_by_role("button", name=re.compile(r"Declare \{\{who\}\}")).click()
    form.get_by_label("Variable description").fill("who to greet")
    expect(form.get_by_label(re.compile("^Risk: safe"))).to_be_visible()
    form.get_by_role("button", name="Create").click()

    card = page.get_by_role("article", name="Card Greet")
    expect(card).to_be_visible()
    expect(card.get_by_text("never run")).to_be_visible()
    card.get_by_role("button", name="Run").click()

    dialog = page.get_by_role("dialog", name="Run “Greet”")
    dialog.get_by_label("Variable who").fill("Forge <b>bold</b>; touch /tmp/forge-e2e-pwned")
    dialog.get_by_role("button", name="Run", exact=True).click()
    output = dialog.get_by_label("Command output")
    expect(output).to_contain_text("hello Forge <b>bold</b>; touch /tmp/forge-e2e-pwned")
    expect(output).to_contain_text("done")
    # ANSI green became a styled span; the HTML in the value stayed text.
    expect(output.locator("span.ansi-green-fg").first).to_contain_text("hello Forge")
    expect(output.locator("b")).to_have_count(0)
    expect(dialog.locator(".badge.succeeded")).to_be_visible()
    expect(dialog.get_by_test_id("exit-code")).to_have_text("exit 0")
    assert not Path("/tmp/forge-e2e-pwned").exists()
    dialog.get_by_role("button", name="Close").click()

    expect(card.get_by_test_id("last-run")).to_contain_text("succeeded")
    card.get_by_role("button", name="History").click()
    history = card.get_by_role("list", name="Run history")
    expect(history.get_by_role("listitem")).to_have_count(1)
    history.get_by_role("button").first.click()
    expect(card.get_by_label("Command output")).to_contain_text("hello Forge")


def test_a_dangerous_card_needs_typed_confirmation(
    page: Page, server: ServerProcess, tmp_path: Path
) -> None:
    with server.client() as api:
        made = api.post(
            "/api/commands",
            json={"name": "Force push", "command": "git push --force", "cwd": str(tmp_path)},
        )
        assert made.status_code == 201

    def slow_preview(route: Route) -> None:
        time.sleep(1.0)
        route.continue_()

    page.route("**/api/commands/preview", slow_preview)
    open_commands(page)
    card = page.get_by_role("article", name="Card Force push")
    expect(card.get_by_label(re.compile("^Risk: dangerous"))).to_be_visible()
    card.get_by_role("button", name="Run").click()
    dialog = page.get_by_role("dialog", name="Run “Force push”")
    expect(dialog.get_by_text("This command is dangerous.")).to_be_visible()
    # Run waits for the typed word, so that is where the dialog starts.
    expect(dialog.get_by_label("Confirmation text")).to_be_focused()
    expect(dialog.get_by_text(re.compile("overwrite others' commits"))).to_be_visible()
    run = dialog.get_by_role("button", name="Run", exact=True)
    expect(run).to_be_disabled()
    dialog.get_by_label("Confirmation text").fill("run")
    expect(run).to_be_disabled()
    dialog.get_by_label("Confirmation text").fill("RUN")
    # The exact preview arrives after the typing (held back here, as on a slow machine): the
    # confirmation typed before it must survive it.
    expect(dialog.get_by_test_id("run-preview")).to_have_text("git push --force")
    expect(run).to_be_enabled()
    run.click()
    # Not a git repository: it runs (confirmed) and fails harmlessly.
    expect(dialog.locator(".badge.failed")).to_be_visible()
    expect(dialog.get_by_label("Command output")).to_contain_text("not a git repository")


def test_delete_asks_first_and_the_deck_fits_360px(browser: Browser, server: ServerProcess) -> None:
    with server.client() as api:
        for name in ("Disk usage", "List"):
            api.post("/api/commands", json={"name": name, "command": "du -sh .", "tags": ["fs"]})
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.goto(server.login_url)
    page.goto(server.base_url + "/commands")
    card = page.get_by_role("article", name="Card Disk usage")
    expect(card).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    card.get_by_role("button", name="Delete Disk usage").click()
    confirm = page.get_by_role("dialog", name=re.compile("Delete “Disk usage”"))
    confirm.get_by_role("button", name="Delete").click()
    expect(card).to_have_count(0)
    expect(page.get_by_role("article", name="Card List")).to_be_visible()
    context.close()


def test_a_crash_leaves_runs_interrupted_and_ends_their_processes(server: ServerProcess) -> None:
    with server.client() as api:
        run = api.post("/api/commands/run", json={"command": "echo $$; sleep 300"}).json()["run"]
        pid = None
        for _ in range(100):
            output = api.get(f"/api/commands/runs/{run['id']}").json()["output"]
            if output:
                pid = int(output.split()[0])
                break
            time.sleep(0.05)
    assert pid is not None and psutil.pid_exists(pid)
    server.kill9()
    restarted = ServerProcess(data_dir=server.data_dir).start()
    try:
        with restarted.client() as api:
            after = api.get(f"/api/commands/runs/{run['id']}").json()
        assert after["status"] == "interrupted"
        assert not psutil.pid_exists(pid) or psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    finally:
        restarted.stop()
