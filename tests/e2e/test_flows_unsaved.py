"""Browser: the flow editor asks before in-app navigation throws away unsaved edits."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from .harness import ServerProcess

pytestmark = pytest.mark.e2e


def test_leaving_an_edited_flow_asks_first(page: Page, server: ServerProcess) -> None:
    definition = {
        "nodes": [
            {"id": "a", "type": "shell", "position": {"x": 0, "y": 0}, "data": {"command": "true"}}
        ],
        "edges": [],
    }
    with server.client() as http:
        flow = http.post("/api/flows", json={"name": "Guarded", "data": definition}).json()
    page.goto(f"{server.base_url}/flows/{flow['id']}")
    page.get_by_test_id("flow-node-a").click()
    step = page.get_by_role("region", name="Step a")
    step.get_by_role("combobox", name="Command").fill("echo edited")
    toolbar = page.locator(".flow-toolbar")
    expect(toolbar.get_by_text("unsaved")).to_be_visible()

    # "← Flows" asks; Stay keeps the edit where it was.
    page.get_by_role("link", name="Back to all flows").click()
    dialog = page.get_by_role("dialog", name="Leave without saving?")
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name="Stay").click()
    expect(dialog).to_be_hidden()
    expect(page).to_have_url(re.compile(rf"/flows/{flow['id']}$"))
    expect(step.get_by_role("combobox", name="Command")).to_have_value("echo edited")
    expect(toolbar.get_by_text("unsaved")).to_be_visible()

    # A sidebar entry asks too; Leave goes there and the edit is gone.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Commands").click()
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name="Leave").click()
    expect(page.get_by_role("heading", name="Commands", exact=True)).to_be_visible()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Flows").click()
    page.get_by_role("link", name="Guarded", exact=True).click()
    page.get_by_test_id("flow-node-a").click()
    expect(
        page.get_by_role("region", name="Step a").get_by_role("combobox", name="Command")
    ).to_have_value("true")
    expect(toolbar.get_by_text("unsaved")).to_have_count(0)
