"""Browser: the Architect keeps the prompt being written across screens and reloads, and asks
before leaving while an answer is still streaming."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import Page, expect

from tests.fakes.llm_server import FakeLLMServer, Reply

from .harness import ServerProcess, fake_provider_env

pytestmark = pytest.mark.e2e

ANSWER = json.dumps(
    {"name": "Disk usage", "command": "du -sh * | sort -h", "description": "Sizes, smallest first."}
)


@pytest.fixture
def server_env(fake_llm: FakeLLMServer) -> dict[str, str]:
    return fake_provider_env(fake_llm)


def test_the_prompt_survives_switching_screens_and_a_reload(
    page: Page, server: ServerProcess, fake_llm: FakeLLMServer
) -> None:
    page.goto(f"{server.base_url}/architect")
    prompt = page.get_by_label("What do you want to do?")
    prompt.fill("show disk usage of each folder here, smallest first")
    page.get_by_role("link", name="Commands", exact=True).click()
    expect(page).to_have_url(f"{server.base_url}/commands")
    page.get_by_role("link", name="Architect", exact=True).click()
    expect(prompt).to_have_value("show disk usage of each folder here, smallest first")
    page.reload()
    expect(prompt).to_have_value("show disk usage of each folder here, smallest first")

    fake_llm.script(Reply(text=ANSWER))
    page.get_by_role("button", name="Generate").click()
    page.get_by_role("button", name="Keep & new").click()
    expect(prompt).to_have_value("")
    page.get_by_role("link", name="Commands", exact=True).click()
    page.get_by_role("link", name="Architect", exact=True).click()
    expect(prompt).to_have_value("")


def test_leaving_while_an_answer_streams_asks_first(
    page: Page, server: ServerProcess, fake_llm: FakeLLMServer
) -> None:
    fake_llm.script(Reply(text=ANSWER, chunk_delay_s=0.15))
    page.goto(f"{server.base_url}/architect?prompt=disk%20usage")
    page.get_by_role("button", name="Generate").click()
    expect(page.get_by_test_id("architect-streaming")).to_be_visible()
    page.get_by_role("link", name="Commands", exact=True).click()
    dialog = page.get_by_role("dialog", name="Leave without saving?")
    expect(dialog).to_contain_text("still writing its answer")
    dialog.get_by_role("button", name="Stay").click()
    # Staying lets the answer finish and be stored.
    expect(page.get_by_test_id("architect-command")).to_have_text("du -sh * | sort -h")
    page.get_by_role("link", name="Commands", exact=True).click()
    expect(page).to_have_url(f"{server.base_url}/commands")
