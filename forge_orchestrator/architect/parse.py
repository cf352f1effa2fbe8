"""Turns whatever a model answered into a command suggestion, or says clearly that it cannot."""

from __future__ import annotations

import json
import re
from typing import Any, Literal

from pydantic import BaseModel, Field

from ..errors import ProviderError
from . import lenient_json
from .chatter import looks_chatty, strip_chatter
from .prose import explanation_from_value, fenced_blocks, from_prose, strip_prompt_marks

AnswerFormat = Literal["json", "json_fence", "json_embedded", "json_fields", "shell_fence", "prose"]

_KEYS: dict[str, tuple[str, ...]] = {
    "command": ("command", "cmd", "shell_command", "commandline", "command_line", "script"),
    "name": ("name", "title", "command_name"),
    "description": ("description", "summary", "desc", "what_it_does"),
    "explanation": ("explanation", "explanations", "breakdown", "parts", "explain"),
    "assumptions": ("assumptions", "assumption", "notes", "caveats"),
}
_WRAPPERS = ("answer", "result", "response", "suggestion", "data", "output")
# For output cut off mid-object (max_tokens reached): a "command" field can still be read.
_COMMAND_FIELD = re.compile(r"""["']?command["']?\s*:\s*("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')""")
NAME_MAX = 120
DESCRIPTION_MAX = 20_000
COMMAND_MAX = 100_000


class ExplanationPart(BaseModel):
    part: str = Field(description="A fragment of the command; empty for a general remark.")
    meaning: str


class ParsedAnswer(BaseModel):
    name: str
    command: str
    description: str
    explanation: list[ExplanationPart]
    assumptions: list[str]
    format: AnswerFormat = Field(description="Which shape of answer the parser recognised.")


class UnparseableAnswer(ProviderError):
    """The model answered, but no command could be read from the answer."""

    code = "unparseable_answer"


def parse_answer(text: str) -> ParsedAnswer:
    """Plain JSON, fenced JSON, JSON inside prose, a fenced shell block, a labelled command."""
    text = text.strip().lstrip("\ufeff")
    if not text:
        raise UnparseableAnswer("The model returned an empty answer.")
    found = _from_json(text) or _from_command_field(text) or from_prose(text)
    if found is not None:
        found = _bounded(found)
    if found is None:
        raise UnparseableAnswer(
            "The model's answer contained no command that could be read. "
            "Rephrase the request or try another model; the call is in the ledger."
        )
    return ParsedAnswer.model_validate(found)


def _bounded(found: dict[str, Any]) -> dict[str, Any] | None:
    """Drops NULs and over-long text so a card can always be stored; None if no command is left."""

    def clean(text: str, limit: int) -> str:
        return text.replace("\x00", "")[:limit].strip()

    command = found["command"].replace("\x00", "").strip()
    if not command or len(command) > COMMAND_MAX:
        return None
    description = clean(found["description"], DESCRIPTION_MAX)
    return {
        **found,
        "name": clean(found["name"], NAME_MAX),
        "command": command,
        # "Sure! Here is the command:" is not a description of it.
        "description": strip_chatter(description) if looks_chatty(description) else description,
        "explanation": [
            {"part": clean(p["part"], 2000), "meaning": clean(p["meaning"], 4000)}
            for p in found["explanation"][:100]
        ],
        "assumptions": [clean(a, 4000) for a in found["assumptions"][:50]],
    }


def _from_json(text: str) -> dict[str, Any] | None:
    candidates: list[tuple[AnswerFormat, str]] = [("json", text)]
    for lang, body in fenced_blocks(text):
        if lang in ("json", "json5", "javascript", "js", "") and body.lstrip().startswith("{"):
            candidates.append(("json_fence", body))
    candidates.extend(("json_embedded", span) for span in lenient_json.objects(text))
    for fmt, candidate in candidates:
        value = lenient_json.loads(candidate)
        answer = _from_mapping(value, fmt) if isinstance(value, dict) else None
        if answer:
            return answer
    return None


def _normalise_keys(value: dict[str, Any]) -> dict[str, Any]:
    return {re.sub(r"[\s\-]+", "_", str(k).strip().lower()): v for k, v in value.items()}


def _pick(mapping: dict[str, Any], field: str) -> Any:
    for key in _KEYS[field]:
        if key in mapping:
            return mapping[key]
    return None


def _from_mapping(value: dict[str, Any], fmt: AnswerFormat) -> dict[str, Any] | None:
    mapping = _normalise_keys(value)
    command = _command_text(_pick(mapping, "command"))
    if not command:
        # {"answer": {...}} and similar envelopes.
        for key in _WRAPPERS:
            inner = mapping.get(key)
            if isinstance(inner, dict):
                return _from_mapping(inner, fmt)
        return None
    return {
        "name": _text(_pick(mapping, "name"))[:NAME_MAX],
        "command": command,
        "description": _text(_pick(mapping, "description")),
        "explanation": explanation_from_value(_pick(mapping, "explanation")),
        "assumptions": _string_list(_pick(mapping, "assumptions")),
        "format": fmt,
    }


def _from_command_field(text: str) -> dict[str, Any] | None:
    match = _COMMAND_FIELD.search(text)
    if not match:
        return None
    raw = match.group(1)
    literal = raw if raw.startswith('"') else lenient_json.repair(raw)
    try:
        command = _command_text(json.loads(literal, strict=False))
    except ValueError:
        return None
    if not command:
        return None
    return {
        "name": "",
        "command": command,
        "description": "",
        "explanation": [],
        "assumptions": [],
        "format": "json_fields",
    }


def _command_text(value: Any) -> str:
    if isinstance(value, list):
        # A model that splits the steps into a list still means one sequence.
        value = " && ".join(_text(v) for v in value if _text(v))
    text = _text(value)
    if text.startswith("```") and text.endswith("```"):
        text = text.strip("`").split("\n", 1)[-1] if "\n" in text else text.strip("`")
    elif len(text) > 1 and text[0] == text[-1] == "`":
        text = text[1:-1]
    return strip_prompt_marks(text).strip()


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, int | float | bool):
        return str(value)
    return json.dumps(value, ensure_ascii=False)


def _string_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list):
        return [t for t in (_text(v) for v in value) if t]
    lines = [re.sub(r"^\s*(?:[-*•]|\d+[.)])\s*", "", ln) for ln in _text(value).splitlines()]
    return [ln.strip() for ln in lines if ln.strip()]
