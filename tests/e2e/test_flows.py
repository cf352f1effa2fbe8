"""Flows in a real browser: build a two-branch flow with an approval, save, run, approve, watch."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import FloatRect, Locator, Page, expect

from tests.fakes.llm_server import FakeLLMServer, Reply

from .harness import ServerProcess, fake_provider_env

pytestmark = pytest.mark.e2e


@pytest.fixture
def server_env(fake_llm: FakeLLMServer) -> dict[str, str]:
    return fake_provider_env(fake_llm)


def _add_shell(page: Page, node_id: str, command: str) -> None:
    """Palette click adds a shell step after the selected one; then name it and set its command."""
    page.get_by_role("button", name=re.compile(r"^Shell")).click()
    panel = page.get_by_role("region", name=re.compile(r"^Step shell_"))
    panel.get_by_label("Step id (used in templates)").fill(node_id)
    panel.get_by_label("Step id (used in templates)").press("Enter")
    step = page.get_by_role("region", name=f"Step {node_id}")
    step.get_by_role("combobox", name="Command").fill(command)


def _select(page: Page, node_id: str) -> None:
    page.get_by_test_id(f"flow-node-{node_id}").click()
    expect(page.get_by_role("region", name=f"Step {node_id}")).to_be_visible()


def _settled_box(page: Page, locator: Locator) -> FloatRect:
    """The element's box once it stops moving (auto-layout moves nodes and refits the view)."""
    last = None
    for _ in range(50):
        box = locator.bounding_box()
        if box is not None and box == last:
            return box
        last = box
        page.wait_for_timeout(50)
    raise AssertionError(f"{locator} kept moving")


def _drag_connect(page: Page, source: str, target: str) -> None:
    """Connect two steps on the canvas by dragging from a source handle to a target handle."""
    src = page.get_by_test_id(f"flow-node-{source}").locator(".react-flow__handle.source")
    dst = page.get_by_test_id(f"flow-node-{target}").locator(".react-flow__handle.target")
    a = _settled_box(page, src)
    b = _settled_box(page, dst)
    page.mouse.move(a["x"] + a["width"] / 2, a["y"] + a["height"] / 2)
    page.mouse.down()
    page.mouse.move(b["x"] + b["width"] / 2, b["y"] + b["height"] / 2, steps=12)
    page.mouse.up()


def _expect_run_succeeded(page: Page, server: ServerProcess) -> None:
    """Waits for the run shown to finish; on failure the message carries each step's error."""
    status = page.get_by_test_id("run-status")
    expect(status).to_have_text(re.compile("^(succeeded|failed|cancelled)$"), timeout=30_000)
    if status.inner_text() != "succeeded":
        run_id = page.url.rsplit("/", 1)[-1]
        with server.client() as http:
            run = http.get(f"/api/flows/runs/{run_id}").json()
        errors = {n["node_id"]: n["error"] for n in run["nodes"] if n["error"]}
        raise AssertionError(f"run {run_id} ended {run['status']}: {run['error']} {errors}")


def test_build_run_approve_and_watch_parallel_branches(page: Page, server: ServerProcess) -> None:
    page.goto(f"{server.base_url}/flows")
    page.get_by_role("button", name="New flow").click()
    page.get_by_label("Flow name").fill("Parallel demo")
    page.get_by_role("button", name="Create and open").click()
    expect(page).to_have_url(re.compile(r"/flows/\d+$"))

    # start → (left ‖ right) → gate (approval)
    _add_shell(page, "start", "echo starting")
    _add_shell(page, "left", "sleep 1; echo left-done")
    _select(page, "start")
    _add_shell(page, "right", "sleep 1; echo right-done")
    _select(page, "left")
    page.get_by_role("button", name=re.compile(r"^Approval")).click()
    gate_panel = page.get_by_role("region", name="Step approval_1")
    gate_panel.get_by_label("Step id (used in templates)").fill("gate")
    gate_panel.get_by_label("Step id (used in templates)").press("Enter")
    gate = page.get_by_role("region", name="Step gate")
    gate.get_by_role("combobox", name="Message for the approver").fill("Ship {{ nodes.le")
    # Autocomplete offers only upstream steps; accepting completes the expression.
    expect(page.get_by_role("option", name=re.compile("left"))).to_be_visible()
    expect(page.get_by_role("option", name=re.compile("right"))).to_have_count(0)
    page.keyboard.press("Enter")
    expect(page.get_by_role("option", name=re.compile("exit_code"))).to_be_visible()
    page.keyboard.press("Enter")
    expect(gate.get_by_role("combobox", name="Message for the approver")).to_have_value(
        "Ship {{ nodes.left.output }}"
    )

    # The second branch joins the gate by a drag on the canvas.
    page.get_by_role("button", name="Auto-layout").click()
    _drag_connect(page, "right", "gate")
    _select(page, "gate")
    expect(page.get_by_role("checkbox", name="Run after right")).to_be_checked()
    expect(page.get_by_role("checkbox", name="Run after left")).to_be_checked()

    # A broken template is reported on the step itself, then fixed.
    _select(page, "right")
    right_cmd = page.get_by_role("region", name="Step right").get_by_role(
        "combobox", name="Command"
    )
    right_cmd.fill("echo {{ nodes.gate.output }}")
    expect(page.get_by_test_id("flow-node-right").locator(".fnode-issues")).to_contain_text(
        "not upstream"
    )
    right_cmd.fill("sleep 1; echo right-done")
    expect(page.get_by_test_id("flow-node-right").locator(".fnode-issues")).to_have_count(0)
    expect(page.locator(".flow-toolbar .badge.ok", has_text="valid")).to_be_visible()

    page.keyboard.press("Control+s")
    expect(page.get_by_text("Saved as version 2")).to_be_visible()
    expect(page.locator(".flow-toolbar").get_by_text("unsaved")).to_have_count(0)

    page.get_by_role("button", name="Run", exact=True).click()
    page.get_by_role("button", name="Start run").click()
    expect(page).to_have_url(re.compile(r"/flows/\d+/runs/\d+$"))

    gate_state = page.get_by_test_id("node-state-gate")
    expect(gate_state).to_have_attribute("data-status", "awaiting_approval", timeout=30_000)
    expect(page.get_by_test_id("run-status")).to_have_text("awaiting approval")
    for node in ("start", "left", "right"):
        expect(page.get_by_test_id(f"node-state-{node}")).to_have_attribute(
            "data-status", "succeeded"
        )
    gate_state.get_by_role("button", name="Approve").click()

    _expect_run_succeeded(page, server)
    for node in ("start", "left", "right", "gate"):
        expect(page.get_by_test_id(f"node-state-{node}")).to_have_attribute(
            "data-status", "succeeded"
        )
        expect(page.get_by_test_id(f"timeline-bar-{node}")).to_be_visible()
    # The two sleeping branches overlapped in the recorded start/finish times.
    expect(page.get_by_text("up to 2 steps at once")).to_be_visible()

    # Each step's output and timing are one click away.
    page.get_by_role("button", name=re.compile(r"^left: succeeded")).click()
    detail = page.get_by_role("region", name="Step left in this run")
    expect(detail.get_by_label("Output")).to_contain_text("left-done")
    expect(detail.get_by_text("Exit code")).to_be_visible()


def test_keyboard_delete_and_stale_save_offers_reload(page: Page, server: ServerProcess) -> None:
    definition = {
        "nodes": [
            {"id": "a", "type": "shell", "position": {"x": 0, "y": 0}, "data": {"command": "true"}},
            {
                "id": "b",
                "type": "shell",
                "position": {"x": 300, "y": 0},
                "data": {"command": "true"},
            },
        ],
        "edges": [{"id": "a->b", "source": "a", "target": "b"}],
    }
    with server.client() as http:
        flow = http.post("/api/flows", json={"name": "Keys", "data": definition}).json()
    page.goto(f"{server.base_url}/flows/{flow['id']}")

    # Keyboard only: focus a step, select it with Enter, delete it with the Delete key.
    node_b = page.get_by_test_id("flow-node-b")
    page.get_by_role("group", name="shell step b").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("region", name="Step b")).to_be_visible()
    page.get_by_role("group", name="shell step b").focus()
    page.keyboard.press("Delete")
    expect(node_b).to_have_count(0)
    expect(page.locator(".flow-toolbar").get_by_text("unsaved")).to_be_visible()

    # Someone else saves meanwhile: our save is refused and the editor offers to reload.
    with server.client() as http:
        http.put(
            f"/api/flows/{flow['id']}", json={"version": flow["version"], "description": "theirs"}
        ).raise_for_status()
    page.keyboard.press("Control+s")
    banner = page.locator(".conflict-banner")
    expect(banner).to_contain_text("changed elsewhere")
    banner.get_by_role("button", name=re.compile("Reload latest")).click()
    expect(banner).to_have_count(0)
    expect(page.get_by_test_id("flow-node-b")).to_be_visible()
    page.get_by_role("tab", name="Flow").click()
    expect(page.get_by_label("Description")).to_have_value("theirs")


def test_llm_step_waits_with_its_estimate_then_shows_reply_tokens_and_cost(
    page: Page, server: ServerProcess, fake_llm: FakeLLMServer
) -> None:
    fake_llm.script(Reply(text="Two files changed.", input_tokens=120, output_tokens=30))
    definition = {
        "nodes": [
            {"id": "facts", "type": "shell", "data": {"command": "echo a.py b.py"}},
            {
                "id": "summary",
                "type": "llm",
                "data": {
                    "prompt": "Summarize: {{ nodes.facts.output }}",
                    "provider": "openai",
                    "model": "gpt-4o-mini",
                    "agent_role": "reviewer",
                    "max_tokens": 200,
                },
            },
        ],
        "edges": [{"source": "facts", "target": "summary"}],
    }
    with server.client() as http:
        flow = http.post("/api/flows", json={"name": "Summarize", "data": definition}).json()
    page.goto(f"{server.base_url}/flows/{flow['id']}")
    page.get_by_role("button", name="Run", exact=True).click()
    expect(page.get_by_role("checkbox", name=re.compile("Auto-approve"))).not_to_be_checked()
    page.get_by_role("button", name="Start run").click()

    # Nothing is spent before approval: the step waits and shows its worst-case cost.
    waiting = page.get_by_role("region", name="Waiting for approval")
    expect(waiting).to_contain_text(re.compile(r"summary waits for approval \(up to \$[0-9.]+\)"))
    expect(page.get_by_test_id("node-state-summary")).to_contain_text("est. $")
    assert fake_llm.completion_requests() == []
    waiting.get_by_role("button", name="Approve summary").click()

    _expect_run_succeeded(page, server)
    page.get_by_test_id("flow-node-summary").click()
    detail = page.get_by_role("region", name="Step summary in this run")
    expect(detail.get_by_label("Output")).to_have_text("Two files changed.")
    expect(detail).to_contain_text("120 in · 30 out")
    expect(detail).to_contain_text(re.compile(r"Cost\$0\.0000[1-9]"))
    expect(detail.get_by_text("Input", exact=True)).to_be_visible()
    expect(detail).to_contain_text("Summarize: a.py b.py")
