"""Hostile command output (HTML, script, ANSI escapes) renders as inert text in every view."""

from __future__ import annotations

import time

from playwright.sync_api import Page, expect

from tests.e2e.harness import ServerProcess

PAYLOAD = (
    r"printf '\033[31mred\033[0m <img src=x onerror=\"window.__xss=1\">"
    r"<script>window.__xss=2</script> \033]8;;javascript:window.__xss=3\033\\link\033]8;;\033\\ done\n'"
)


def _no_script_ran(page: Page) -> None:
    assert page.evaluate("window.__xss") is None
    assert page.locator("main img[src='x']").count() == 0
    assert page.locator("main script").count() == 0


def test_command_output_is_inert_in_the_run_panel(page: Page, server: ServerProcess) -> None:
    with server.client() as c:
        c.post(
            "/api/commands", json={"name": "Hostile output", "command": PAYLOAD}
        ).raise_for_status()
    page.goto(server.base_url + "/commands")
    card = page.get_by_role("article", name="Card Hostile output")
    card.get_by_role("button", name="Run").click()
    dialog = page.get_by_role("dialog", name="Run “Hostile output”")
    dialog.get_by_role("button", name="Run", exact=True).click()
    output = dialog.get_by_label("Command output")
    expect(output).to_contain_text("<img src=x onerror=")
    expect(output).to_contain_text("done")
    expect(output.locator("span.ansi-red-fg").first).to_contain_text("red")
    _no_script_ran(page)


def test_flow_step_output_is_inert_in_the_run_view(page: Page, server: ServerProcess) -> None:
    flow = {
        "name": "hostile",
        "data": {
            "nodes": [
                {
                    "id": "say",
                    "type": "shell",
                    "position": {"x": 0, "y": 0},
                    "data": {"command": PAYLOAD},
                }
            ],
            "edges": [],
        },
    }
    with server.client() as c:
        flow_id = c.post("/api/flows", json=flow).json()["id"]
        run_id = c.post(f"/api/flows/{flow_id}/runs", json={"auto_approve": True}).json()["run"][
            "id"
        ]
        deadline = time.monotonic() + 20
        while (
            c.get(f"/api/flows/runs/{run_id}").json()["status"] != "succeeded"
            and time.monotonic() < deadline
        ):
            time.sleep(0.1)
    page.goto(f"{server.base_url}/flows/{flow_id}/runs/{run_id}")
    expect(page.get_by_text("<img src=x onerror=", exact=False).first).to_be_visible(timeout=20_000)
    _no_script_ran(page)
