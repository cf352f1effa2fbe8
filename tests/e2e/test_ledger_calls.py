"""Browser: each call's prompt and answer, reached from the Architect, the Ledger and a flow step;
filters kept in the URL; stopped and refused calls shown as such; flow names; money axes."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from forge_orchestrator.db.engine import make_engine
from forge_orchestrator.db.utils import utcnow
from forge_orchestrator.ledger.recorder import LedgerEntry, record
from tests.fakes.fixtures import FAKE_OPENAI_KEY
from tests.fakes.llm_server import FakeLLMServer, Reply

from .harness import ServerProcess, fake_provider_env

pytestmark = pytest.mark.e2e

ANSWER = json.dumps(
    {
        "name": "Disk usage",
        "command": "du -sh .",
        "description": "How much space this folder takes.",
        "explanation": [{"part": "du -sh .", "meaning": "summarised size, human-readable"}],
        "assumptions": [],
    }
)


@pytest.fixture
def server_env(fake_llm: FakeLLMServer) -> dict[str, str]:
    return fake_provider_env(fake_llm)


def seed(server: ServerProcess, *entries: LedgerEntry) -> None:
    engine = make_engine(f"sqlite:///{server.data_dir / 'forge.db'}")
    try:
        for e in entries:
            record(engine, e)
    finally:
        engine.dispose()


def entry(i: int, **kw: object) -> LedgerEntry:
    values: dict[str, object] = {
        "provider": "openai",
        "model_used": "gpt-6.2-sol",
        "prompt_hash": f"{i:064x}",
        "status": "SUCCESS",
        "outcome": "ok",
        "timestamp": utcnow() - timedelta(seconds=i + 1),
        "input_tokens": 1000,
        "output_tokens": 100,
        "total_cost_usd": 0.004,
        "latency_ms": 900,
        "cost_status": "priced",
        "attempts": 1,
    }
    values.update(kw)
    return LedgerEntry(**values)  # type: ignore[arg-type]


def test_from_the_architects_ledger_link_to_the_call_and_back_to_its_row(
    page: Page, server: ServerProcess, fake_llm: FakeLLMServer
) -> None:
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    fake_llm.script(Reply(text=ANSWER, input_tokens=210, output_tokens=95))
    page.goto(f"{server.base_url}/architect")
    page.get_by_label("What do you want to do?").fill(
        f"how big is this folder? my key is {FAKE_OPENAI_KEY}"
    )
    page.get_by_role("button", name="Generate").click()
    link = page.get_by_test_id("generation-usage").get_by_role("link", name=re.compile(r"ledger #"))
    link.click()

    expect(page).to_have_url(re.compile(r"/ledger/calls/\d+$"))
    detail = page.get_by_test_id("call-detail")
    expect(detail).to_contain_text("210 in")
    expect(detail).to_contain_text("95 out")
    prompt = detail.get_by_role("region", name="Prompt")
    expect(prompt).to_contain_text("how big is this folder?")
    # The key typed into the prompt is not kept.
    expect(prompt).to_contain_text("[REDACTED]")
    expect(prompt).not_to_contain_text(FAKE_OPENAI_KEY)
    expect(detail.get_by_role("region", name="Answer")).to_contain_text('"command": "du -sh ."')
    detail.get_by_role("button", name="Copy answer").click()
    expect(detail.get_by_role("button", name="Copy answer")).to_have_text("Copied ✓")
    assert json.loads(page.evaluate("navigator.clipboard.readText()"))["command"] == "du -sh ."
    detail.get_by_role("button", name="Copy prompt").click()
    assert "how big is this folder?" in page.evaluate("navigator.clipboard.readText()")

    # From the Ledger list, a row opens the same detail in place.
    page.get_by_role("link", name="← Ledger").click()
    calls = page.get_by_role("region", name="Ledger calls")
    calls.locator("tr.ledger-row").first.click()
    inline = calls.get_by_test_id("call-detail")
    expect(inline.get_by_role("region", name="Prompt")).to_contain_text("how big is this folder?")
    expect(inline.get_by_role("region", name="Answer")).to_contain_text("du -sh .")
    # The old row detail was a dump of column names.
    expect(calls.get_by_text("prompt_hash")).to_have_count(0)

    # The call's page at phone width: readable without sideways scrolling.
    inline.page.get_by_role("link", name=re.compile(r"Open call #\d+")).click()
    page.set_viewport_size({"width": 360, "height": 740})
    expect(page.get_by_test_id("call-detail").get_by_role("region", name="Prompt")).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the call page scrolls sideways at 360 px ({width}px wide)"


def test_filters_live_in_the_url_and_survive_a_reload(page: Page, server: ServerProcess) -> None:
    seed(
        server,
        *(entry(i) for i in range(3)),
        *(entry(10 + i, model_used="claude-haiku-5-5", provider="anthropic") for i in range(2)),
    )
    page.goto(f"{server.base_url}/ledger")
    rows = page.get_by_role("region", name="Ledger calls").locator("tbody tr.ledger-row")
    expect(rows).to_have_count(5)
    bar = page.get_by_role("search", name="Ledger filters")
    bar.get_by_label("Model", exact=True).select_option("claude-haiku-5-5")
    bar.get_by_label("Period").select_option("7d")
    expect(rows).to_have_count(2)
    expect(page).to_have_url(re.compile(r"model=claude-haiku-5-5"))
    page.reload()
    expect(rows).to_have_count(2)
    expect(page.get_by_test_id("total-calls")).to_have_text("2")
    expect(bar.get_by_label("Model", exact=True)).to_have_value("claude-haiku-5-5")
    expect(bar.get_by_label("Period")).to_have_value("7d")
    # A call's page and back keeps the filtered view.
    rows.first.click()
    page.get_by_role("link", name=re.compile(r"Open call #\d+")).click()
    expect(page).to_have_url(re.compile(r"/ledger/calls/\d+$"))
    page.get_by_role("link", name="← Ledger").click()
    expect(rows).to_have_count(2)
    expect(bar.get_by_label("Model", exact=True)).to_have_value("claude-haiku-5-5")


def test_a_stopped_architect_call_shows_cancelled_not_as_a_failure(
    page: Page, server: ServerProcess, fake_llm: FakeLLMServer
) -> None:
    fake_llm.script(Reply(text=ANSWER, chunk_delay_s=0.4))
    page.goto(f"{server.base_url}/architect")
    page.get_by_label("What do you want to do?").fill("how big is this folder?")
    page.get_by_role("button", name="Generate").click()
    streaming = page.get_by_test_id("architect-streaming")
    expect(streaming).to_contain_text("{")
    streaming.get_by_role("button", name="Stop").click()
    stopped = page.get_by_test_id("architect-stopped")
    expect(stopped).to_contain_text("in the Ledger as cancelled")
    stopped.get_by_role("link", name="Ledger").click()

    calls = page.get_by_role("region", name="Ledger calls")
    row = calls.locator("tr.ledger-row").first
    expect(row.get_by_test_id("call-status")).to_have_text("FAILED · cancelled")
    expect(page.get_by_test_id("total-stopped")).to_have_text("0 / 1")
    expect(page.get_by_test_id("total-failures")).to_have_text("0 / 0")
    # What was recorded is what the Architect said: an estimated charge and the partial answer.
    row.click()
    detail = calls.get_by_test_id("call-detail")
    expect(detail).to_contain_text("estimated")
    expect(detail).not_to_contain_text("Cost$0.000000")
    expect(detail.get_by_role("region", name="Answer")).to_contain_text("{")


def test_flow_names_refusals_and_money_axes(page: Page, server: ServerProcess) -> None:
    with server.client() as http:
        flow = http.post(
            "/api/flows", json={"name": "Nightly report", "data": {"nodes": [], "edges": []}}
        ).json()
    seed(
        server,
        entry(1, flow_id=str(flow["id"]), total_cost_usd=0.0123),
        entry(
            2,
            status="FAILED",
            outcome="budget_refused",
            error_message="Budget exceeded: the global daily budget is $0.01",
            total_cost_usd=0.0,
            cost_status="not_billed",
        ),
    )
    page.goto(f"{server.base_url}/ledger")
    calls = page.get_by_role("region", name="Ledger calls")
    expect(calls.get_by_text(f"Nightly report (#{flow['id']})")).to_be_visible()
    expect(calls.get_by_text("FAILED · budget refused")).to_be_visible()
    expect(page.get_by_test_id("total-failures")).to_have_text("0 / 0")
    expect(page.get_by_test_id("total-stopped")).to_have_text("1 / 0")
    by_flow = page.get_by_role("region", name="Cost by flow")
    # Recharts wraps a long tick label over lines: the words are there, not one text node.
    expect(by_flow.locator(".recharts-yAxis-tick-labels")).to_contain_text("Nightly")
    expect(calls.get_by_role("row", name="Call #2")).to_contain_text("$0.00")
    ticks = page.get_by_role("region", name="Cost per day by model").locator(
        ".recharts-yAxis-tick-labels .recharts-cartesian-axis-tick-value"
    )
    expect(ticks.first).to_be_visible()
    texts = ticks.all_text_contents()
    assert "$0" in texts and not any(re.fullmatch(r"\$0\.0{4,}\d*", t) for t in texts), texts


def test_a_flow_steps_call_opens_from_the_run(
    page: Page, server: ServerProcess, fake_llm: FakeLLMServer
) -> None:
    fake_llm.script(Reply(text="Two files changed.", input_tokens=120, output_tokens=30))
    definition = {
        "nodes": [
            {
                "id": "summary",
                "type": "llm",
                "data": {
                    "prompt": "Summarize the changes",
                    "provider": "openai",
                    "model": "gpt-4o-mini",
                    "max_tokens": 200,
                },
            }
        ],
        "edges": [],
    }
    with server.client() as http:
        flow = http.post("/api/flows", json={"name": "One step", "data": definition}).json()
        run = http.post(f"/api/flows/{flow['id']}/runs", json={"auto_approve": True}).json()
    page.goto(f"{server.base_url}/flows/{flow['id']}/runs/{run['run']['id']}")
    expect(page.get_by_test_id("run-status")).to_have_text("succeeded", timeout=30_000)
    page.get_by_test_id("flow-node-summary").click()
    step = page.get_by_role("region", name="Step summary in this run")
    step.get_by_test_id("step-calls").get_by_role("link", name=re.compile(r"ledger #")).click()
    expect(page).to_have_url(re.compile(r"/ledger/calls/\d+$"))
    detail = page.get_by_test_id("call-detail")
    expect(detail.get_by_role("region", name="Prompt")).to_contain_text("Summarize the changes")
    expect(detail.get_by_role("region", name="Answer")).to_contain_text("Two files changed.")
    expect(detail).to_contain_text("One step (#")
