"""Browser: Settings explains a role name it will not take, guards an unsaved role, and shows a
key from the server's environment as such, with Test."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.fakes.fixtures import FAKE_OPENAI_KEY, FakeLLMServer

from .harness import ServerProcess

pytestmark = pytest.mark.e2e


@pytest.fixture
def server_env(fake_llm: FakeLLMServer) -> dict[str, str]:
    fake_llm.valid_keys = {FAKE_OPENAI_KEY}
    return {
        "OPENAI_BASE_URL": fake_llm.openai_base_url,
        "OPENAI_API_KEY": FAKE_OPENAI_KEY,
        "ANTHROPIC_BASE_URL": fake_llm.anthropic_base_url,
        "FORGE_LLM_MAX_RETRIES": "0",
    }


def open_roles(page: Page, server: ServerProcess) -> None:
    page.goto(f"{server.base_url}/settings")
    page.get_by_role("button", name="New role").click()


def test_a_role_name_with_a_space_is_slugged_and_a_bad_one_explained(
    page: Page, server: ServerProcess
) -> None:
    open_roles(page, server)
    roles = page.get_by_role("region", name="Agent roles")
    roles.get_by_label("Name").fill("doc writer")
    roles.get_by_label("System prompt").fill("You write clear documentation.")
    expect(roles.get_by_text("Will be created as doc-writer.")).to_be_visible()
    create = roles.get_by_role("button", name="Create role")
    expect(create).to_be_enabled()

    roles.get_by_label("Name").fill("1st writer")
    expect(create).to_be_disabled()
    expect(roles.get_by_text("Use lowercase letters, digits, - or _")).to_be_visible()

    roles.get_by_label("Name").fill("Doc Writer")
    create.click()
    expect(page.locator("[data-role=doc-writer]")).to_be_visible()
    with server.client() as api:
        assert api.get("/api/roles/doc-writer").status_code == 200


def test_leaving_an_unsaved_role_asks_first(page: Page, server: ServerProcess) -> None:
    open_roles(page, server)
    roles = page.get_by_role("region", name="Agent roles")
    roles.get_by_label("System prompt").fill("Half-written prompt")
    page.get_by_role("link", name="Commands", exact=True).click()
    dialog = page.get_by_role("dialog", name="Leave without saving?")
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name="Stay").click()
    expect(roles.get_by_label("System prompt")).to_have_value("Half-written prompt")
    page.get_by_role("link", name="Commands", exact=True).click()
    page.get_by_role("dialog", name="Leave without saving?").get_by_role(
        "button", name="Leave"
    ).click()
    expect(page).to_have_url(f"{server.base_url}/commands")


def test_a_key_from_the_environment_is_named_and_testable(
    page: Page, server: ServerProcess, fake_llm: FakeLLMServer
) -> None:
    page.goto(f"{server.base_url}/settings")
    card = page.locator("[data-provider=openai]")
    expect(card.get_by_text("Ready")).to_be_visible()
    expect(card.get_by_test_id("key-from-env")).to_have_text("from environment (OPENAI_API_KEY)")
    expect(card.get_by_text("Not set")).to_have_count(0)
    card.get_by_role("button", name="Test").click()
    expect(card.get_by_text(f"Works: {len(fake_llm.models)} models available")).to_be_visible()
    assert FAKE_OPENAI_KEY not in page.content()


def test_a_success_replaces_the_earlier_error_toast(page: Page, server: ServerProcess) -> None:
    with server.client() as api:
        body = {"name": "doc-writer", "system_prompt": "You write docs."}
        assert api.post("/api/roles", json=body).status_code == 201
    open_roles(page, server)
    roles = page.get_by_role("region", name="Agent roles")
    roles.get_by_label("Name").fill("doc writer")
    roles.get_by_label("System prompt").fill("You write clear documentation.")
    roles.get_by_role("button", name="Create role").click()
    expect(page.locator(".toast-error")).to_contain_text("already exists")
    roles.get_by_label("Name").fill("api writer")
    roles.get_by_role("button", name="Create role").click()
    expect(page.locator(".toast-success")).to_contain_text("Created role api-writer.")
    # Checked once, at the moment the success shows: the stale error is already gone (it would
    # otherwise stay for its full 8 seconds).
    assert page.locator(".toast-error").count() == 0
