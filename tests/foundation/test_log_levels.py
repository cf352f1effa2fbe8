"""At the default `info` level an LLM call writes no per-call line; at `debug` it does."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from forge_orchestrator.server import configure_logging
from tests.conftest import make_settings


@pytest.fixture
def logging_restored() -> Iterator[None]:
    root, client = logging.getLogger(), logging.getLogger("httpx")
    saved = (root.level, list(root.handlers), client.level)
    yield
    root.setLevel(saved[0])
    root.handlers[:] = saved[1]
    client.setLevel(saved[2])


def _httpx_lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    # A real request through httpx to a local transport: httpx writes its own INFO line.
    transport = httpx.MockTransport(lambda request: httpx.Response(200, json={"ok": True}))
    with caplog.at_level(logging.DEBUG, logger="forge_orchestrator"):
        caplog.clear()
        with httpx.Client(transport=transport) as client:
            client.post("http://127.0.0.1:9/v1/chat/completions", json={})
    return [r.getMessage() for r in caplog.records if r.name == "httpx"]


@pytest.mark.usefixtures("logging_restored")
def test_info_level_writes_no_line_per_call(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    configure_logging(make_settings(tmp_path / "data", log_level="info"))
    # basicConfig leaves the root level alone under pytest (handlers exist): set it as serve does
    logging.getLogger().setLevel(logging.INFO)
    assert _httpx_lines(caplog) == []


@pytest.mark.usefixtures("logging_restored")
def test_debug_level_writes_the_per_call_line(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    configure_logging(make_settings(tmp_path / "data", log_level="debug"))
    lines = _httpx_lines(caplog)
    assert any("POST http://127.0.0.1:9/v1/chat/completions" in line for line in lines)
