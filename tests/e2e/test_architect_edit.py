"""Browser: editing an Architect card updates its risk live and marks the old explanation stale;
a chatty answer gets a real name and description."""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import Page, expect

from tests.fakes.llm_server import FakeLLMServer, Reply

from .harness import ServerProcess, fake_provider_env

pytestmark = pytest.mark.e2e

ANSWER = json.dumps(
    {
        "name": "Ten largest files",
        "command": "du -ah . | sort -rh | head -n 10",
        "description": "Shows the ten biggest files and folders below here.",
        "explanation": [{"part": "du -ah .", "meaning": "disk usage of every file"}],
        "assumptions": ["GNU coreutils"],
    }
)
FIND = "find . -name '*.log' -mtime +7 -delete"
CHATTY = (
    "Sure! Here is the command:\n\n```bash\n" + FIND + "\n```\n\n"
    "This deletes log files older than seven days below the current directory.\n\n"
    "- `-mtime +7` only files older than a week\n- `-delete` removes what matched\n\n"
    "Let me know if you need anything else!"
)


@pytest.fixture
def server_env(fake_llm: FakeLLMServer) -> dict[str, str]:
    return fake_provider_env(fake_llm)


def test_edit_shows_the_risk_live_and_the_explanation_as_stale(
    page: Page, server: ServerProcess, fake_llm: FakeLLMServer
) -> None:
    fake_llm.script(Reply(text=ANSWER))
    page.goto(f"{server.base_url}/architect?prompt=largest%20files")
    page.get_by_role("button", name="Generate").click()
    result = page.get_by_test_id("architect-result")
    badge = result.locator(".result-head .badge").first
    expect(badge).to_have_text("safe")
    expect(page.get_by_test_id("explanation-stale")).to_have_count(0)

    result.get_by_role("button", name="Edit").click()
    page.get_by_role("textbox", name="Command").fill("rm -rf ~/x")
    # Before saving: the badge follows the typed command, and the explanation is marked.
    expect(badge).to_have_text(re.compile("caution|dangerous"))
    expect(page.get_by_test_id("explanation-stale")).to_contain_text(
        "written for the previous command"
    )
    expect(result).to_contain_text("The description was written for the previous command")
    page.get_by_label("Description").fill("Removes the x folder in my home.")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_test_id("architect-command")).to_have_text("rm -rf ~/x")
    expect(badge).to_have_text(re.compile("caution|dangerous"))
    expect(result).to_contain_text("Removes the x folder in my home.")
    expect(page.get_by_test_id("explanation-stale")).to_contain_text("du -ah . | sort -rh")

    # Putting the original command back makes the explanation current again.
    result.get_by_role("button", name="Edit").click()
    page.get_by_role("textbox", name="Command").fill("du -ah . | sort -rh | head -n 10")
    expect(badge).to_have_text("safe")
    expect(page.get_by_test_id("explanation-stale")).to_have_count(0)


def test_a_chatty_answer_gets_a_short_name_and_no_chatter(
    page: Page, server: ServerProcess, fake_llm: FakeLLMServer
) -> None:
    fake_llm.script(Reply(text=CHATTY))
    page.goto(f"{server.base_url}/architect")
    page.get_by_label("What do you want to do?").fill(
        "hey can you please give me a command to delete all the log files that are older "
        "than a week in this folder?"
    )
    page.get_by_role("button", name="Generate").click()
    result = page.get_by_test_id("architect-result")
    expect(page.get_by_test_id("architect-command")).to_have_text(FIND)
    expect(result.get_by_role("heading", level=2)).to_have_text(
        "Deletes log files older than seven days below the current…"
    )
    expect(result.locator(".result-description")).to_have_text(
        "This deletes log files older than seven days below the current directory."
    )
    expect(result).not_to_contain_text("Sure!")
    expect(result).not_to_contain_text("Let me know")
    expect(result.get_by_role("region", name="How it works")).to_contain_text("-mtime +7")
