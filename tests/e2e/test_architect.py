"""Browser: type a request in the Architect, watch it stream, get the card, act on it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.fakes.llm_server import FakeLLMServer, Reply

from .harness import ServerProcess, fake_provider_env

pytestmark = pytest.mark.e2e

ANSWER = json.dumps(
    {
        "name": "Ten largest files",
        "command": "du -ah . | sort -rh | head -n 10",
        "description": "Shows the ten biggest files and folders below here.",
        "explanation": [
            {"part": "du -ah .", "meaning": "disk usage of every file, human-readable"},
            {"part": "sort -rh", "meaning": "biggest first"},
            {"part": "head -n 10", "meaning": "only the first ten"},
        ],
        "assumptions": ["GNU coreutils"],
    }
)


@pytest.fixture
def server_env(fake_llm: FakeLLMServer) -> dict[str, str]:
    return fake_provider_env(fake_llm)


def test_type_generate_and_see_the_card(
    page: Page, server: ServerProcess, fake_llm: FakeLLMServer
) -> None:
    # A little delay per chunk so the streaming view is visible before the card.
    fake_llm.script(Reply(text=ANSWER, chunk_delay_s=0.03, input_tokens=210, output_tokens=95))
    page.goto(f"{server.base_url}/architect")
    prompt = page.get_by_label("What do you want to do?")
    prompt.fill("show me the ten largest files here")
    expect(page.get_by_test_id("token-count")).to_contain_text("token")
    prompt.press("Control+Enter")

    expect(page.get_by_test_id("architect-streaming")).to_be_visible()
    expect(page.get_by_test_id("architect-streaming")).to_contain_text('"command"')
    result = page.get_by_test_id("architect-result")
    expect(result).to_be_visible()
    expect(page.get_by_test_id("architect-command")).to_have_text(
        "du -ah . | sort -rh | head -n 10"
    )
    expect(result).to_contain_text("Ten largest files")
    expect(result).to_contain_text("biggest first")
    expect(result).to_contain_text("GNU coreutils")
    expect(page.get_by_test_id("generation-usage")).to_contain_text("210 in · 95 out tokens")
    expect(result.get_by_role("link", name="Saved to Commands")).to_be_visible()

    sent = fake_llm.completion_requests()[-1].body
    assert "show me the ten largest files here" in sent["messages"][-1]["content"]


def test_edit_then_discard_the_card(
    page: Page, server: ServerProcess, fake_llm: FakeLLMServer
) -> None:
    fake_llm.script(Reply(text=ANSWER))
    page.goto(f"{server.base_url}/architect?prompt=largest%20files")
    expect(page.get_by_label("What do you want to do?")).to_have_value("largest files")
    page.get_by_role("button", name="Generate").click()
    result = page.get_by_test_id("architect-result")
    expect(result).to_be_visible()

    result.get_by_role("button", name="Edit").click()
    page.get_by_label("Name").fill("Biggest files")
    page.get_by_role("button", name="Save changes").click()
    expect(result.get_by_role("heading", name="Biggest files")).to_be_visible()
    card_id = (
        result.get_by_role("link", name="Saved to Commands").inner_text().split("#")[1].rstrip(")")
    )
    with server.client() as api:
        assert api.get(f"/api/commands/{card_id}").json()["name"] == "Biggest files"

    result.get_by_role("button", name="Discard").click()
    page.get_by_role("dialog").get_by_role("button", name="Discard").click()
    expect(page.get_by_test_id("architect-result")).to_have_count(0)
    with server.client() as api:
        assert api.get(f"/api/commands/{card_id}").status_code == 404


def test_usable_at_360px_and_revise(
    browser: Browser, server: ServerProcess, fake_llm: FakeLLMServer
) -> None:
    revised = json.dumps(
        {"name": "Five largest files", "command": "du -ah . | sort -rh | head -n 5"}
    )
    fake_llm.script(Reply(text=ANSWER), Reply(text=revised))
    context = browser.new_context(viewport={"width": 360, "height": 780})
    try:
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.goto(server.login_url)
        page.goto(f"{server.base_url}/architect?prompt=largest%20files")
        page.get_by_role("button", name="Generate").click()
        expect(page.get_by_test_id("architect-result")).to_be_visible()
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 360, f"page scrolls sideways at 360 px ({width} px wide)"
        page.get_by_role("button", name="Revise").click()
        page.get_by_label("What should change?").fill("only five")
        page.get_by_role("button", name="Revise").click()
        expect(page.get_by_test_id("architect-command")).to_have_text(
            "du -ah . | sort -rh | head -n 5"
        )
        sent = fake_llm.completion_requests()[-1].body["messages"]
        assert "only five" in sent[-1]["content"]
        # The revision replaced the first card (the checkbox is on by default).
        with server.client() as api:
            commands = [c["command"] for c in api.get("/api/commands").json()]
        assert commands == ["du -ah . | sort -rh | head -n 5"]
    finally:
        context.close()


def test_without_a_provider_the_screen_explains_how_to_add_one(
    browser: Browser, tmp_path: Path
) -> None:
    srv = ServerProcess(data_dir=tmp_path / "bare").start()
    context = browser.new_context()
    try:
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.goto(srv.login_url)
        page.goto(f"{srv.base_url}/architect")
        help_box = page.get_by_role("region", name="Add an LLM provider to use the Architect")
        expect(help_box).to_be_visible()
        expect(help_box).to_contain_text("forge-orchestrator keys set openai")
        expect(help_box).to_contain_text("OPENAI_API_KEY")
        expect(help_box).to_contain_text("Ollama")
        page.get_by_label("What do you want to do?").fill("list files")
        expect(page.get_by_role("button", name="Generate")).to_be_disabled()
    finally:
        context.close()
        srv.stop()
