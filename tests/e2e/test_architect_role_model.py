"""Browser: a Ledger suggestion that changes the architect role's model changes what the
Architect uses, and the applied suggestion keeps saying what it changed."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from forge_orchestrator.db.engine import make_engine
from forge_orchestrator.db.utils import utcnow
from forge_orchestrator.ledger.recorder import LedgerEntry, record
from tests.fakes.llm_server import FakeLLMServer, Reply

from .harness import ServerProcess, fake_provider_env

pytestmark = pytest.mark.e2e

ANSWER = json.dumps({"name": "List files", "command": "ls -la", "description": "Lists files."})


@pytest.fixture
def server_env(fake_llm: FakeLLMServer) -> dict[str, str]:
    return fake_provider_env(fake_llm)


def seed_short_architect_calls(server: ServerProcess) -> None:
    """Ten short Architect answers on gpt-6.2-sol: the optimizer suggests its cheaper sibling."""
    engine = make_engine(f"sqlite:///{server.data_dir / 'forge.db'}")
    now = utcnow()
    try:
        for i in range(10):
            record(
                engine,
                LedgerEntry(
                    provider="openai",
                    model_used="gpt-6.2-sol",
                    prompt_hash=f"{i:064x}",
                    status="SUCCESS",
                    timestamp=now - timedelta(minutes=i + 1),
                    agent_role="architect",
                    input_tokens=2000,
                    output_tokens=50,
                    total_cost_usd=0.0045,
                    latency_ms=900,
                    cost_status="priced",
                    attempts=1,
                ),
            )
    finally:
        engine.dispose()


def test_applied_role_suggestion_is_what_the_architect_uses(
    page: Page, server: ServerProcess, fake_llm: FakeLLMServer
) -> None:
    seed_short_architect_calls(server)
    page.goto(f"{server.base_url}/architect")
    page.get_by_label("Provider").select_option(label="OpenAI")
    expect(page.get_by_label("Model")).to_contain_text("Default (gpt-6.2-sol)")

    page.get_by_role("link", name="Ledger").click()
    card = page.get_by_role("article", name="Use gpt-6.1-terra for the architect role")
    expect(card).to_contain_text("gpt-6.2-sol → gpt-6.1-terra")
    card.get_by_role("button", name="Apply").click()
    page.get_by_role("dialog").get_by_role("button", name="Apply").click()
    expect(card.get_by_role("button", name="Undo")).to_be_visible()
    # From → to as it was when applied, not the role re-read afterwards (terra → terra).
    expect(card).to_contain_text("gpt-6.2-sol → gpt-6.1-terra")

    page.get_by_role("link", name="Architect").click()
    expect(page.get_by_label("Provider")).to_have_value("openai")
    model_picker = page.get_by_label("Model")
    expect(model_picker).to_have_value("")
    expect(model_picker).to_contain_text("Default (gpt-6.1-terra · architect role)")
    expect(page.get_by_test_id("role-default-note")).to_contain_text("gpt-6.1-terra")
    fake_llm.script(Reply(text=ANSWER))
    page.get_by_label("What do you want to do?").fill("list the files here")
    page.get_by_role("button", name="Generate").click()
    expect(page.get_by_test_id("architect-command")).to_have_text("ls -la")
    assert fake_llm.completion_requests()[-1].body["model"] == "gpt-6.1-terra"
