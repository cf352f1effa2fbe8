"""Browser: the run dialog previews exactly the command that runs (values bound beside it), and a
value that reaches a nested interpreter needs a typed confirmation showing what it will parse."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Page, expect

from .harness import ServerProcess
from .test_commands import open_commands


def test_preview_is_what_runs_and_nested_values_need_typing(
    page: Page, server: ServerProcess, tmp_path: Path
) -> None:
    marker = tmp_path / "pwned"
    with server.client() as api:
        for name, command in (
            ("Show", 'printf "%s\\n" "${UNSET:-{{v}}}"'),
            ("Nested", "bash -c 'echo {{v}}'"),
        ):
            made = api.post(
                "/api/commands", json={"name": name, "command": command, "cwd": str(tmp_path)}
            )
            assert made.status_code == 201, made.text
    open_commands(page)

    page.get_by_role("article", name="Card Show").get_by_role("button", name="Run").click()
    dialog = page.get_by_role("dialog", name="Run “Show”")
    value = f"$(touch {marker})"
    dialog.get_by_label("Variable v").fill(value)
    preview = dialog.get_by_test_id("run-preview")
    expect(preview).to_have_text('printf "%s\\n" "${UNSET:-"${FORGE_VAR_v}"}"')
    expect(dialog.get_by_label("Bound values")).to_contain_text("FORGE_VAR_v")
    expect(dialog.get_by_label("Bound values")).to_contain_text(value)
    shown = preview.inner_text()
    dialog.get_by_role("button", name="Run", exact=True).click()
    expect(dialog.get_by_label("Command output")).to_contain_text(value)
    assert not marker.exists()
    with server.client() as api:
        runs = api.get("/api/commands/runs").json()
    assert runs[0]["command"] == shown  # the preview was exactly what ran
    dialog.get_by_role("button", name="Close").click()

    page.get_by_role("article", name="Card Nested").get_by_role("button", name="Run").click()
    dialog = page.get_by_role("dialog", name="Run “Nested”")
    dialog.get_by_label("Variable v").fill("hello from nested")
    expect(dialog.get_by_text("A value will be run as code.")).to_be_visible()
    expect(dialog.get_by_test_id("nested-effective")).to_have_text(
        "bash -c 'echo hello from nested'"
    )
    expect(dialog.get_by_text(re.compile("`bash` parses"))).to_be_visible()
    run = dialog.get_by_role("button", name="Run", exact=True)
    expect(run).to_be_disabled()
    dialog.get_by_label("Confirmation text").fill("RUN")
    run.click()
    expect(dialog.get_by_label("Command output")).to_contain_text("hello from nested")
    expect(dialog.locator(".badge.succeeded")).to_be_visible()
