"""Browser: every run (cards' and one-off) is listed with live status; a one-off run closed in
its dialog is found there still running, cancelled (its process really ends) and reopened."""

from __future__ import annotations

import re

import psutil
from playwright.sync_api import Page, expect

from .harness import ServerProcess
from .test_commands import open_commands


def test_a_closed_one_off_run_is_listed_cancelled_and_reopened(
    page: Page, server: ServerProcess
) -> None:
    with server.client() as api:
        card = api.post("/api/commands", json={"name": "Say hi", "command": "echo hi from card"})
        assert card.status_code == 201
    open_commands(page)
    page.get_by_role("article", name="Card Say hi").get_by_role("button", name="Run").click()
    dialog = page.get_by_role("dialog", name="Run “Say hi”")
    dialog.get_by_role("button", name="Run", exact=True).click()
    expect(dialog.get_by_label("Command output")).to_contain_text("hi from card")
    dialog.get_by_role("button", name="Close").click()

    page.get_by_label("One-off command").fill("sleep 30")
    page.get_by_label("One-off command").press("Enter")
    dialog = page.get_by_role("dialog", name="Run command")
    dialog.get_by_role("button", name="Run", exact=True).click()
    expect(dialog.locator(".badge.running")).to_be_visible()
    # Run again is for after the run: not while it still runs.
    expect(dialog.get_by_role("button", name="Run again")).to_be_disabled()
    dialog.get_by_role("button", name="Close").click()
    expect(dialog).to_be_hidden()

    page.get_by_role("tab", name=re.compile(r"^Runs \(1 running\)")).click()
    runs = page.get_by_role("list", name="All runs")
    expect(runs.get_by_role("listitem")).to_have_count(2)
    sleeping = runs.get_by_role("listitem").first
    expect(sleeping).to_contain_text("One-off")
    expect(sleeping).to_contain_text("sleep 30")
    expect(sleeping.locator(".badge.running")).to_be_visible()
    expect(runs.get_by_role("listitem").nth(1)).to_contain_text("Say hi")
    expect(runs.get_by_role("listitem").nth(1).locator(".badge.succeeded")).to_be_visible()

    with server.client() as api:
        listed = api.get("/api/commands/runs").json()[0]
        assert listed["command"] == "sleep 30"
        pid = api.get(f"/api/commands/runs/{listed['id']}").json()["pid"]
    assert pid is not None and psutil.pid_exists(pid)

    sleeping.get_by_role("button", name="Cancel").click()
    expect(sleeping.locator(".badge.cancelled")).to_be_visible()
    expect(sleeping.get_by_role("button", name="Cancel")).to_have_count(0)
    expect(page.get_by_role("tab", name="Runs", exact=True)).to_be_visible()
    assert not psutil.pid_exists(pid) or psutil.Process(pid).status() == psutil.STATUS_ZOMBIE

    sleeping.get_by_role("button", name="Output").click()
    viewer = page.get_by_role("dialog", name=re.compile(r"Run #\d+: One-off"))
    expect(viewer.locator(".badge.cancelled")).to_be_visible()
    expect(viewer.get_by_role("region", name=re.compile(r"^Run \d+"))).to_contain_text("sleep 30")
    viewer.get_by_role("button", name="Close").click()
    runs.get_by_role("listitem").nth(1).get_by_role("button", name="Output").click()
    viewer = page.get_by_role("dialog", name=re.compile(r"Run #\d+: Say hi"))
    expect(viewer.get_by_label("Command output")).to_contain_text("hi from card")
