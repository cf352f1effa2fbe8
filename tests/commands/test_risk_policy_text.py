"""The risk badge's help (riskPolicy.ts) and the written policy in the docs say the same thing."""

from __future__ import annotations

import json
import re
from pathlib import Path

ROOT = Path(__file__).parents[2]
POLICY_TS = ROOT / "frontend" / "src" / "components" / "commands" / "riskPolicy.ts"
BLOCK = re.compile(r"<!-- risk-policy:start.*?-->(.*?)<!-- risk-policy:end -->", re.S)


def _ui_texts() -> list[str]:
    source = POLICY_TS.read_text(encoding="utf-8")
    body = source.split("export const RISK_POLICY_INTRO", 1)[1]
    strings = [json.loads(m.group(0)) for m in re.finditer(r'"(?:[^"\\]|\\.)*"', body)]
    return [s for s in strings if " " in s]  # sentences, not the level names


def _doc_blocks() -> list[tuple[Path, str]]:
    blocks = []
    for doc in (ROOT / "README.md",):
        if doc.exists():
            found = BLOCK.search(doc.read_text(encoding="utf-8"))
            if found:
                blocks.append((doc, found.group(1)))
    return blocks


def test_every_sentence_of_the_ui_policy_is_in_the_written_policy() -> None:
    texts = _ui_texts()
    assert len(texts) >= 15
    blocks = _doc_blocks()
    assert blocks, "no risk-policy block in README.md"
    for doc, block in blocks:
        for text in texts:
            assert text in block, f"{doc.name} lacks: {text}"
        # …and nothing more: every line of the block is one of the UI's sentences.
        for line in block.splitlines():
            line = re.sub(r"^(- |\*\*\w+\*\* — )", "", line.strip())
            assert not line or line in texts, f"{doc.name} says more than the UI: {line}"
