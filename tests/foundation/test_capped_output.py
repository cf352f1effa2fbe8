"""The one output cap: head and tail by UTF-8 bytes, a marker saying how much was dropped."""

from __future__ import annotations

from forge_orchestrator.capped_output import CappedOutput, cap_text


def test_text_within_the_cap_is_kept_whole() -> None:
    assert cap_text("é" * 512, 1024) == ("é" * 512, False)


def test_longer_text_keeps_head_and_tail_by_bytes() -> None:
    text, truncated = cap_text("a" * 600 + "é" * 1000 + "z" * 600, 1024)
    assert truncated
    head, rest = text.split("\n\n[… ", 1)
    omitted, tail = rest.split(" bytes omitted: output exceeded the stored cap …]\n\n")
    assert head == "a" * 512 and tail == "z" * 512
    assert int(omitted) == 88 + 2000 + 88


def test_a_character_is_never_split_at_the_edges() -> None:
    buf = CappedOutput(1024)
    buf.add("stdout", "é" * 2000)
    head, tail = buf.head[0][1], buf.tail[-1][1]
    assert set(head) == {"é"} and set(tail) == {"é"}
    assert len(head.encode()) <= 512 and len(tail.encode()) <= 512
    assert buf.total_bytes == 4000
