"""The first page load stays light: heavy screens live in their own lazily loaded chunks."""

from __future__ import annotations

import gzip
import re
from pathlib import Path

import pytest

STATIC = Path(__file__).resolve().parents[2] / "forge_orchestrator" / "static"
LIMIT_KB = 300


def test_initial_javascript_is_at_most_300_kb_gzipped() -> None:
    index = STATIC / "index.html"
    if not index.exists():
        pytest.fail("frontend not built: run `make build` first (make test does)")
    html = index.read_text()
    # Everything index.html loads eagerly: the entry module and its modulepreload links.
    scripts = re.findall(r'(?:src|href)="/?(assets/[^"]+\.js)"', html)
    assert scripts, html
    total = sum(len(gzip.compress((STATIC / s).read_bytes(), 9)) for s in scripts)
    assert total / 1024 <= LIMIT_KB, f"initial JS is {total / 1024:.0f} KB gzipped: {scripts}"
    heavy = ("xyflow", "xterm", "recharts")
    for s in scripts:
        text = (STATIC / s).read_text(errors="replace")
        for marker in heavy:
            assert marker not in s, f"{marker} is in the initial bundle ({s})"
        assert "xterm-helper-textarea" not in text, "xterm.js is in the initial bundle"
