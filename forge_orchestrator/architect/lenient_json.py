"""Tolerant JSON reading for model output: trailing commas, single quotes, bare keys, comments."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

_LITERALS = {"True": "true", "False": "false", "None": "null"}
# Bounds the work on long prose full of braces (shell snippets such as ${HOME}).
MAX_OBJECT_STARTS = 25


def loads(text: str) -> Any | None:
    """json.loads, then once more after repair; None when neither reads as JSON."""
    for candidate in (text, repair(text)):
        try:
            # strict=False accepts raw newlines inside strings, a common model slip.
            return json.loads(candidate, strict=False)
        except ValueError:
            continue
    return None


def repair(text: str) -> str:
    """Rewrites near-JSON into JSON; leaves valid JSON unchanged in meaning."""
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch in "\"'":
            end = _string_end(text, i)
            out.append(_as_json_string(text[i + 1 : end], ch))
            i = end + 1
        elif ch == "/" and text.startswith("//", i):
            nl = text.find("\n", i)
            i = n if nl < 0 else nl
        elif ch == ",":
            j = i + 1
            while j < n and text[j] in " \t\r\n":
                j += 1
            if j >= n or text[j] not in "}]":
                out.append(ch)
            i += 1
        elif ch.isalpha() or ch == "_":
            j = i
            while j < n and (text[j].isalnum() or text[j] == "_"):
                j += 1
            word = text[i:j]
            k = j
            while k < n and text[k] in " \t":
                k += 1
            if k < n and text[k] == ":":
                out.append(json.dumps(word))
            else:
                out.append(_LITERALS.get(word, word))
            i = j
        else:
            out.append(ch)
            i += 1
    return "".join(out)


def _string_end(text: str, start: int) -> int:
    """Index of the closing quote of the string opened at ``start`` (or the text's end)."""
    quote, i = text[start], start + 1
    while i < len(text):
        if text[i] == "\\":
            i += 2
            continue
        if text[i] == quote:
            return i
        i += 1
    return len(text)


def _as_json_string(body: str, quote: str) -> str:
    if quote == '"':
        return f'"{body}"'
    # A single-quoted body: \' means a quote, and a bare " must now be escaped.
    body = body.replace("\\'", "'")
    escaped: list[str] = []
    i = 0
    while i < len(body):
        if body[i] == "\\" and i + 1 < len(body):
            escaped.append(body[i : i + 2])
            i += 2
            continue
        escaped.append('\\"' if body[i] == '"' else body[i])
        i += 1
    return '"' + "".join(escaped) + '"'


def objects(text: str) -> Iterator[str]:
    """Balanced ``{...}`` spans in ``text``, outermost first, quote-aware."""
    starts = 0
    i = text.find("{")
    while i >= 0 and starts < MAX_OBJECT_STARTS:
        starts += 1
        end = _balanced_end(text, i)
        if end is not None:
            yield text[i : end + 1]
        i = text.find("{", i + 1)


def _balanced_end(text: str, start: int) -> int | None:
    depth, i, quote = 0, start, ""
    while i < len(text):
        ch = text[i]
        if quote:
            if ch == "\\":
                i += 1
            elif ch == quote:
                quote = ""
        elif ch == '"' or (ch == "'" and _opens_single_quote(text, i)):
            quote = ch
        elif ch in "{[":
            depth += 1
        elif ch in "}]":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return None


def _opens_single_quote(text: str, i: int) -> bool:
    # An apostrophe inside a word ("don't") is prose, not a string delimiter.
    prev = text[i - 1] if i > 0 else " "
    return not prev.isalnum()
