"""Browser: the flow canvas — undo/redo, copy/paste of steps, drops that land where dropped,
click-to-add that stays in view, and panels and minimap that fold to give the canvas room."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Locator, Page, expect

from .harness import ServerProcess

pytestmark = pytest.mark.e2e


def _shell(node_id: str, x: int, command: str = "true") -> dict[str, Any]:
    return {
        "id": node_id,
        "type": "shell",
        "position": {"x": x, "y": 0},
        "data": {"command": command},
    }


def _open(
    page: Page, server: ServerProcess, nodes: list[dict[str, Any]], edges: list[tuple[str, str]]
) -> None:
    data = {"nodes": nodes, "edges": [{"source": s, "target": t} for s, t in edges]}
    with server.client() as http:
        flow = http.post("/api/flows", json={"name": "Canvas", "data": data}).json()
    page.goto(f"{server.base_url}/flows/{flow['id']}")
    expect(page.get_by_test_id(f"flow-node-{nodes[0]['id']}")).to_be_visible()


def _edge(page: Page, source: str, target: str) -> Locator:
    return page.get_by_role("group", name=f"Edge from {source} to {target}")


def test_undo_restores_a_deleted_step_with_its_edges(page: Page, server: ServerProcess) -> None:
    _open(
        page, server, [_shell("a", 0), _shell("b", 300), _shell("c", 600)], [("a", "b"), ("b", "c")]
    )
    unsaved = page.locator(".flow-toolbar").get_by_text("unsaved")
    page.get_by_test_id("flow-node-b").click()
    page.keyboard.press("Delete")
    expect(page.get_by_test_id("flow-node-b")).to_have_count(0)
    expect(_edge(page, "a", "b")).to_have_count(0)
    expect(unsaved).to_be_visible()

    page.keyboard.press("Control+z")
    expect(page.get_by_test_id("flow-node-b")).to_be_visible()
    expect(_edge(page, "a", "b")).to_be_attached()
    expect(_edge(page, "b", "c")).to_be_attached()
    # Back to what was saved: nothing left to save.
    expect(unsaved).to_have_count(0)

    page.keyboard.press("Control+Shift+z")
    expect(page.get_by_test_id("flow-node-b")).to_have_count(0)
    page.get_by_role("button", name="Undo").click()
    expect(page.get_by_test_id("flow-node-b")).to_be_visible()
    page.keyboard.press("Control+y")
    expect(page.get_by_test_id("flow-node-b")).to_have_count(0)

    # In a text field Ctrl+Z is the field's own undo, not the canvas's.
    page.get_by_test_id("flow-node-a").click()
    page.get_by_role("region", name="Step a").get_by_role("combobox", name="Command").focus()
    page.keyboard.press("Control+z")
    expect(page.get_by_test_id("flow-node-b")).to_have_count(0)
    page.get_by_role("button", name="Undo").click()
    expect(page.get_by_test_id("flow-node-b")).to_be_visible()


def test_copy_and_paste_steps_with_the_edge_between_them(page: Page, server: ServerProcess) -> None:
    _open(page, server, [_shell("a", 0, "echo one"), _shell("b", 300, "echo two")], [("a", "b")])
    page.get_by_test_id("flow-node-a").click()
    page.get_by_test_id("flow-node-b").click(modifiers=["Control"])
    page.keyboard.press("Control+c")
    expect(page.get_by_text("Copied 2 steps")).to_be_visible()
    page.keyboard.press("Control+v")

    copy_a = page.get_by_test_id("flow-node-shell_1")
    copy_b = page.get_by_test_id("flow-node-shell_2")
    expect(copy_a).to_be_visible()
    expect(copy_b).to_be_visible()
    expect(_edge(page, "shell_1", "shell_2")).to_be_attached()
    expect(page.get_by_test_id("flow-node-a")).to_be_visible()
    # Offset from the originals, so the copy does not hide them.
    original = page.get_by_test_id("flow-node-a").bounding_box()
    pasted = copy_a.bounding_box()
    assert original is not None and pasted is not None
    assert pasted["x"] > original["x"] + 10 and pasted["y"] > original["y"] + 10

    # The paste is selected as a whole; a click on empty canvas ends that, then pick one copy.
    page.locator(".react-flow__pane").click(position={"x": 10, "y": 10})
    copy_b.click()
    expect(
        page.get_by_role("region", name="Step shell_2").get_by_role("combobox", name="Command")
    ).to_have_value("echo two")
    page.keyboard.press("Control+z")
    expect(copy_a).to_have_count(0)


def test_a_dropped_step_lands_centred_where_dropped_and_visible(
    page: Page, server: ServerProcess
) -> None:
    _open(page, server, [_shell("a", 0), _shell("b", 300)], [("a", "b")])
    canvas = page.locator(".flow-canvas")
    box = canvas.bounding_box()
    assert box is not None
    # Near the right edge, where a top-left-anchored drop used to slide under the side panel.
    target = {"x": box["width"] - 150, "y": box["height"] - 150}
    page.get_by_role("button", name=re.compile(r"^Condition")).drag_to(
        canvas, target_position=target
    )

    node = page.get_by_test_id("flow-node-condition_1")
    expect(node).to_be_visible()
    placed = node.bounding_box()
    assert placed is not None
    centre = (placed["x"] + placed["width"] / 2, placed["y"] + placed["height"] / 2)
    assert abs(centre[0] - (box["x"] + target["x"])) < 30, (centre, target, box)
    assert abs(centre[1] - (box["y"] + target["y"])) < 30, (centre, target, box)
    assert placed["x"] + placed["width"] <= box["x"] + box["width"]


def test_click_to_add_after_the_last_step_keeps_the_new_step_in_view(
    page: Page, server: ServerProcess
) -> None:
    _open(page, server, [_shell("a", 0), _shell("b", 300)], [("a", "b")])
    page.get_by_test_id("flow-node-b").click()
    page.get_by_role("button", name=re.compile(r"^Shell")).click()
    node = page.get_by_test_id("flow-node-shell_1")
    expect(_edge(page, "b", "shell_1")).to_be_attached()
    expect(node).to_be_in_viewport()
    canvas = page.locator(".flow-canvas").bounding_box()
    assert canvas is not None
    # The view pans with an animation: wait until the step sits inside the canvas.
    page.wait_for_function(
        """([right]) => {
          const r = document.querySelector('[data-testid="flow-node-shell_1"]').getBoundingClientRect();
          return r.right <= right && r.left >= 0;
        }""",
        arg=[canvas["x"] + canvas["width"]],
    )


def test_panels_and_minimap_fold_away_and_stay_folded(page: Page, server: ServerProcess) -> None:
    page.set_viewport_size({"width": 1280, "height": 800})
    _open(page, server, [_shell("a", 0), _shell("b", 300)], [("a", "b")])
    canvas = page.locator(".flow-canvas")
    minimap = page.get_by_label("Flow overview")
    mini = minimap.bounding_box()
    assert mini is not None and mini["width"] <= 130 and mini["height"] <= 90

    start = canvas.bounding_box()
    assert start is not None
    page.get_by_role("button", name="Hide the step palette").click()
    page.get_by_role("button", name="Hide the side panel").click()
    page.get_by_role("button", name="Hide the overview map").click()
    expect(page.get_by_role("tab", name="Step")).to_have_count(0)
    expect(minimap).to_have_count(0)
    page.wait_for_function(
        "w => document.querySelector('.flow-canvas').getBoundingClientRect().width > w",
        arg=start["width"] + 400,
    )

    page.reload()
    expect(page.get_by_role("button", name="Show the step palette")).to_be_visible()
    expect(page.get_by_role("button", name="Show the side panel")).to_be_visible()
    expect(minimap).to_have_count(0)
    wide = canvas.bounding_box()
    assert wide is not None and wide["width"] > 0.75 * 1080  # most of the width beside the sidebar

    page.get_by_role("button", name="Show the side panel").click()
    expect(page.get_by_role("tab", name="Step")).to_be_visible()


def test_undo_puts_a_dragged_step_back_in_one_step(page: Page, server: ServerProcess) -> None:
    _open(page, server, [_shell("a", 0), _shell("b", 300)], [("a", "b")])
    node = page.get_by_test_id("flow-node-a")
    before = node.bounding_box()
    assert before is not None
    page.mouse.move(before["x"] + 20, before["y"] + 10)
    page.mouse.down()
    page.mouse.move(before["x"] + 20, before["y"] + 160, steps=10)
    page.mouse.up()
    moved = node.bounding_box()
    assert moved is not None and moved["y"] > before["y"] + 100
    expect(page.locator(".flow-toolbar").get_by_text("unsaved")).to_be_visible()

    page.keyboard.press("Control+z")
    expect(page.locator(".flow-toolbar").get_by_text("unsaved")).to_have_count(0)
    back = node.bounding_box()
    assert back is not None and abs(back["y"] - before["y"]) < 1
    expect(page.get_by_role("button", name="Undo")).to_be_disabled()
