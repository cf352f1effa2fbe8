"""Settings in a real browser: set a key, see it masked, test it on the fake provider, delete it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.fakes.fixtures import FAKE_OPENAI_KEY, FakeLLMServer

from .harness import ServerProcess

pytestmark = pytest.mark.e2e

WRONG_KEY = "sk-wrong-0123456789abcdefghijklmnop"


@pytest.fixture
def server_env(fake_llm: FakeLLMServer) -> dict[str, str]:
    fake_llm.valid_keys = {FAKE_OPENAI_KEY}
    return {
        "OPENAI_BASE_URL": fake_llm.openai_base_url,
        "ANTHROPIC_BASE_URL": fake_llm.anthropic_base_url,
        "FORGE_LLM_MAX_RETRIES": "0",
    }


def open_settings(page: Page, server: ServerProcess) -> None:
    page.goto(f"{server.base_url}/settings")
    expect(page.get_by_role("heading", name="Settings", exact=True)).to_be_visible()


def test_set_mask_test_and_delete_a_key(
    page: Page, server: ServerProcess, fake_llm: FakeLLMServer
) -> None:
    open_settings(page, server)
    card = page.locator("[data-provider=openai]")
    expect(card.get_by_text("Not set")).to_be_visible()
    expect(card.get_by_text("Needs a key")).to_be_visible()

    card.get_by_role("button", name="Set key").click()
    card.get_by_label("OpenAI key value").fill(FAKE_OPENAI_KEY)
    card.get_by_role("button", name="Save key").click()
    expect(card.get_by_test_id("key-masked")).to_have_text("••••" + FAKE_OPENAI_KEY[-4:])
    expect(card.get_by_text("Ready")).to_be_visible()
    expect(card.get_by_text("Uses the stored key.")).to_be_visible()
    assert FAKE_OPENAI_KEY not in page.content()  # the page never holds the value again

    card.get_by_role("button", name="Test").click()
    expect(card.get_by_text(f"Works: {len(fake_llm.models)} models available")).to_be_visible()
    assert any(r.path.endswith("/models") for r in fake_llm.requests)

    # A key the provider rejects shows the provider's own message.
    card.get_by_role("button", name="Replace").click()
    card.get_by_label("OpenAI key value").fill(WRONG_KEY)
    card.get_by_role("button", name="Save key").click()
    expect(card.get_by_test_id("key-masked")).to_have_text("••••" + WRONG_KEY[-4:])
    card.get_by_role("button", name="Test").click()
    expect(card.get_by_role("alert")).to_contain_text("Incorrect API key")
    assert WRONG_KEY not in page.content()

    card.get_by_role("button", name="Delete").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("Delete the OpenAI key?")
    dialog.get_by_role("button", name="Delete key").click()
    expect(card.get_by_text("Not set")).to_be_visible()
    with server.client() as api:
        openai = next(r for r in api.get("/api/keys").json() if r["name"] == "openai")
    assert openai["configured"] is False


def test_appearance_applies_and_survives_a_reload(page: Page, server: ServerProcess) -> None:
    open_settings(page, server)
    page.get_by_label("Font size").select_option("19")
    page.get_by_label("Density").select_option("compact")
    html = page.locator("html")
    expect(html).to_have_attribute("data-density", "compact")
    expect(html).to_have_attribute("style", re.compile(r"font-size:\s*19px"))
    page.goto(f"{server.base_url}/")  # another screen, after a full reload
    expect(html).to_have_attribute("style", re.compile(r"font-size:\s*19px"))
    expect(html).to_have_attribute("data-density", "compact")


def test_usable_at_360px_and_states_the_storage_in_use(page: Page, server: ServerProcess) -> None:
    page.set_viewport_size({"width": 360, "height": 780})
    open_settings(page, server)
    expect(page.locator("[data-provider=openai]")).to_be_visible()
    expect(page.get_by_role("heading", name="Agent roles")).to_be_visible()
    panel = page.get_by_test_id("storage-panel")
    expect(panel).to_contain_text("Encrypted in the local database (AES-256-GCM)")
    expect(panel).to_contain_text("FORGE_KEYRING=encrypted")
    expect(panel).to_contain_text(str(server.data_dir / "master.key"))
    expect(panel).not_to_contain_text("OS keyring under the service name")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the page is {width}px wide in a 360px viewport"
