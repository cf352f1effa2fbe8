"""Reading a command out of Markdown prose: fenced shell blocks, labels, bullets, inline code."""

from __future__ import annotations

import re
from typing import Any

from .chatter import strip_chatter

_FENCE = re.compile(r"(?:```|~~~)[ \t]*([\w+.-]*)[^\n]*\n(.*?)(?:\n[ \t]*(?:```|~~~)|\Z)", re.S)
SHELL_LANGS = {
    "",
    "bash",
    "sh",
    "shell",
    "zsh",
    "fish",
    "powershell",
    "pwsh",
    "ps",
    "ps1",
    "console",
    "terminal",
    "shell-session",
    "shellsession",
    "cmd",
    "bat",
    "text",
}
_PROMPT = re.compile(r"^\s*(?:\$|%|PS>|PS [^>]*>|>)\s+")
_LABEL = re.compile(r"^\W*(name|title|description|command|cmd)\W*:\s*(.*)$", re.I)
_HEADING = re.compile(
    r"^\s*(?:#+\s*|\*\*)?\s*(explanation|breakdown|how it works|assumption)", re.I
)
_BULLET = re.compile(r"^\s*(?:[-*•]|\d+[.)])\s+(.*)$")
_DASHES = "\u2014\u2013"  # em and en dash, as models write them between part and meaning
_PART_MEANING = re.compile(
    rf"^`([^`]+)`\s*(?::|-|[{_DASHES}]|=)?\s*(.*)$|^([^:]{{1,80}}?)\s*(?::|[{_DASHES}]| - )\s+(.+)$"
)
_INLINE_CODE = re.compile(r"`([^`\n]+)`")
_MARKUP = re.compile(r"\*\*|__|^#+\s*|^>\s*")


def fenced_blocks(text: str) -> list[tuple[str, str]]:
    """(language, body) for each fenced block; an unterminated last fence counts (cut output)."""
    return [(m.group(1).lower(), m.group(2)) for m in _FENCE.finditer(text)]


def strip_prompt_marks(command: str) -> str:
    return "\n".join(_PROMPT.sub("", line, count=1) for line in command.splitlines())


def _command_from_block(body: str) -> str:
    lines = [ln.rstrip() for ln in body.strip("\n").splitlines()]
    prompted = [ln for ln in lines if _PROMPT.match(ln)]
    if prompted:
        # A console transcript: the prompt lines are the command, the rest is output.
        return "\n".join(_PROMPT.sub("", ln, count=1) for ln in prompted).strip()
    kept = [ln for ln in lines if ln.strip() and not ln.lstrip().startswith("# ")]
    return "\n".join(kept).strip()


def explanation_from_value(value: Any) -> list[dict[str, str]]:
    """Explanation in any of the shapes models produce, as [{part, meaning}]."""
    if not value:
        return []
    if isinstance(value, dict):
        return [{"part": str(k), "meaning": _plain(v)} for k, v in value.items()]
    if isinstance(value, list):
        parts = [_part_from_item(item) for item in value]
        return [p for p in parts if p["meaning"] or p["part"]]
    lines = [ln for ln in str(value).splitlines() if ln.strip()]
    if len(lines) == 1:
        return [{"part": "", "meaning": lines[0].strip()}]
    return [_part_from_line(_BULLET.sub(r"\1", ln)) for ln in lines]


def _part_from_item(item: Any) -> dict[str, str]:
    if isinstance(item, dict):
        keys = {str(k).lower(): v for k, v in item.items()}
        part = next(
            (keys[k] for k in ("part", "token", "fragment", "flag", "segment") if k in keys), ""
        )
        meaning = next(
            (
                keys[k]
                for k in ("meaning", "explanation", "description", "purpose", "what")
                if k in keys
            ),
            "",
        )
        if not part and not meaning and len(keys) == 1:
            part, meaning = next(iter(keys.items()))
        return {"part": _plain(part).strip("`"), "meaning": _plain(meaning)}
    return _part_from_line(_plain(item))


def _part_from_line(line: str) -> dict[str, str]:
    line = line.strip()
    m = _PART_MEANING.match(line)
    if m and m.group(1) is not None:
        return {"part": m.group(1).strip(), "meaning": m.group(2).strip()}
    if m and m.group(3) is not None:
        return {"part": m.group(3).strip().strip("`"), "meaning": m.group(4).strip()}
    return {"part": "", "meaning": line}


def _plain(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _clean(line: str) -> str:
    return _MARKUP.sub("", line).strip()


def from_prose(text: str) -> dict[str, Any] | None:
    """A command from a fenced shell block, a "Command:" label, or inline code in prose."""
    command, fmt = "", "prose"
    for lang, body in fenced_blocks(text):
        if lang in SHELL_LANGS and not body.lstrip().startswith("{"):
            command = _command_from_block(body)
            if command:
                fmt = "shell_fence"
                break
    prose = _FENCE.sub("\n", text)
    fields: dict[str, str] = {}
    explanation: list[dict[str, str]] = []
    assumptions: list[str] = []
    intro: list[str] = []
    raw_intro: list[str] = []
    section = ""
    for raw in prose.splitlines():
        line = raw.strip()
        if not line:
            continue
        heading = _HEADING.match(line)
        if heading:
            section = "assumptions" if heading.group(1).lower() == "assumption" else "explanation"
            rest = line.split(":", 1)[1].strip(" *") if ":" in line else ""
            if rest and section == "assumptions":
                assumptions.append(_clean(rest))
            continue
        if line.startswith("#") and not section:
            # A Markdown heading above the command is its title.
            fields.setdefault("name", _clean(line))
            continue
        label = _LABEL.match(line)
        if label and not _BULLET.match(line):
            key = label.group(1).lower().replace("title", "name")
            fields.setdefault(key, label.group(2).strip().strip("*").strip())
            continue
        bullet = _BULLET.match(line)
        if bullet and section == "assumptions":
            assumptions.append(_clean(bullet.group(1)))
        elif bullet and (section == "explanation" or bullet.group(1).startswith("`")):
            explanation.append(_part_from_line(bullet.group(1)))
        elif not section:
            intro.append(_clean(line))
            raw_intro.append(line)
    if not command:
        command = _labelled_command(fields) or _inline_command(" ".join(raw_intro))
    if not command:
        return None
    return {
        "name": _clean(fields.get("name", "")).strip("`")[:120],
        "command": command,
        "description": _clean(fields.get("description", "")) or _first_sentences(intro),
        "explanation": explanation,
        "assumptions": [a for a in assumptions if a],
        "format": fmt,
    }


def _labelled_command(fields: dict[str, str]) -> str:
    value = fields.get("command") or fields.get("cmd") or ""
    inline = _INLINE_CODE.search(value)
    return strip_prompt_marks(inline.group(1) if inline else value).strip()


def _inline_command(prose: str) -> str:
    spans = [s.strip() for s in _INLINE_CODE.findall(prose) if len(s.strip()) > 1]
    if not spans:
        return ""
    best = max(spans, key=len)
    # Several short spans ("use `find` with `-delete`") name tools, not a command.
    return strip_prompt_marks(best).strip() if len(spans) == 1 or " " in best else ""


def _first_sentences(lines: list[str]) -> str:
    text = strip_chatter(" ".join(ln for ln in lines if ln))
    sentences = re.split(r"(?<=[.!?])\s+", text)
    return " ".join(sentences[:2])[:400].strip()
