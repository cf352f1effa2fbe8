"""The capped output buffer: head and tail kept, a marker in between, exact byte counts."""

from __future__ import annotations

from forge_orchestrator.commands.output import MARKER_STREAM, CappedOutput


def test_small_output_is_kept_whole() -> None:
    buf = CappedOutput(1024)
    buf.add("stdout", "a" * 100, 1)
    buf.add("stderr", "b" * 100, 2)
    assert not buf.truncated
    assert buf.text() == "a" * 100 + "b" * 100
    assert [c[0] for c in buf.chunks()] == ["stdout", "stderr"]


def test_overflow_keeps_head_and_tail_with_a_marker() -> None:
    buf = CappedOutput(1024)
    for i in range(100):
        buf.add("stdout", f"{i:04d}" + "." * 96, i + 1)
    assert buf.truncated
    assert buf.total_bytes == 100 * 100
    chunks = buf.chunks()
    assert chunks[0][1].startswith("0000")
    assert chunks[-1][1].startswith("0099")
    marker = [c for c in chunks if c[0] == MARKER_STREAM]
    assert len(marker) == 1 and f"{100 * 100 - 1024} bytes omitted" in marker[0][1]
    kept = sum(len(c[1].encode()) for c in chunks if c[0] != MARKER_STREAM)
    assert kept == 1024


def test_multibyte_text_is_never_cut_inside_a_character() -> None:
    buf = CappedOutput(1024)
    buf.add("stdout", "é" * 5000, 1)
    text = buf.text()
    assert "\ufffd" not in text
    assert text.startswith("é") and text.endswith("é")
