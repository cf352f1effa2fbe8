"""Condition nodes: test an upstream result and pick the outgoing edges labelled true or false."""

from __future__ import annotations

import json
import operator
import re
from collections.abc import Callable
from functools import lru_cache
from typing import Any, Literal

import re2
from pydantic import Field

from ..text_safety import well_formed
from .nodes.base import NodeData
from .templates import NodeValues, Ref, TemplateError, walk_json

CompareOp = Literal["eq", "ne", "lt", "le", "gt", "ge"]


class ConditionData(NodeData):
    """exit_code / json compare with `operator`; contains / matches test the source's output."""

    kind: Literal["exit_code", "contains", "matches", "json"] = "exit_code"
    source: str = Field(min_length=1)
    operator: CompareOp = "eq"
    path: str | None = Field(None, max_length=500)
    value: str | int | float | bool | None = None
    negate: bool = False


_OPS: dict[str, Callable[[Any, Any], bool]] = {
    "eq": operator.eq,
    "ne": operator.ne,
    "lt": operator.lt,
    "le": operator.le,
    "gt": operator.gt,
    "ge": operator.ge,
}
_SYMBOL = {"eq": "==", "ne": "!=", "lt": "<", "le": "<=", "gt": ">", "ge": ">="}


class ConditionError(ValueError):
    """The condition could not be evaluated (missing field, wrong types)."""


# `matches` runs on RE2: matching is linear in the output's length, so no pattern can stall
# the event loop (Python's backtracking `re` takes 2**n steps for `^(a+)+b$` on n "a"s).
# RE2 has no backreferences, lookaround, possessive quantifiers or \Z; those fail at save.
_RE2_OPTIONS = re2.Options()
_RE2_OPTIONS.log_errors = False  # a bad pattern is the user's 422, not a line on stderr
_RE2_OPTIONS.never_capture = True  # only "is there a match" is asked
_PYTHON_ONLY = (
    (re.compile(r"\\[1-9]|\(\?P="), "backreferences"),
    (re.compile(r"\(\?<?[=!]"), "lookahead and lookbehind"),
    (re.compile(r"[*+?}]\+"), "possessive quantifiers"),
    (re.compile(r"\\Z"), "\\Z (write \\z)"),
)


@lru_cache(maxsize=256)
def _pattern(pattern: str) -> Any:
    """The compiled RE2 pattern; raises ValueError with a message for the editor."""
    try:
        return re2.compile(well_formed(pattern), _RE2_OPTIONS)
    except re2.error as exc:
        reason = exc.args[0].decode() if exc.args and isinstance(exc.args[0], bytes) else exc
        unsupported = [name for probe, name in _PYTHON_ONLY if probe.search(pattern)]
        if unsupported:
            raise ValueError(
                f"not supported by the linear-time regex engine (RE2): {', '.join(unsupported)}"
                f" ({reason})"
            ) from None
        raise ValueError(f"not a valid regular expression: {reason}") from None


def search(pattern: str, text: str) -> bool:
    """True when ``pattern`` occurs in ``text`` (RE2 syntax, linear time).

    ``$`` also matches before a final newline, as in Python's ``re``: shell output ends with one.
    """
    regexp = _pattern(pattern)
    data = well_formed(text).encode()  # bytes: RE2 works on UTF-8, no offsets to map back
    if regexp.search(data) is not None:
        return True
    return data.endswith(b"\n") and regexp.search(data[:-1]) is not None


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.strip())
        except ValueError:
            return None
    return None


def _literal(value: Any) -> Any:
    """A value typed in the editor arrives as text; read it as JSON when it is JSON."""
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def check(cond: ConditionData) -> list[tuple[str, str]]:
    """Static problems as (field, message); used by graph validation."""
    problems: list[tuple[str, str]] = []
    if cond.kind == "exit_code" and _number(cond.value) is None:
        problems.append(("value", "an exit code comparison needs a number"))
    if cond.kind == "matches":
        try:
            _pattern(str(cond.value or ""))
        except ValueError as exc:
            problems.append(("value", str(exc)))
    if cond.kind in ("contains", "matches") and cond.value in (None, ""):
        problems.append(("value", "give the text or pattern to look for"))
    ordered = cond.operator in ("lt", "le", "gt", "ge")
    if cond.kind == "json" and ordered and _number(cond.value) is None:
        problems.append(("value", f"'{_SYMBOL[cond.operator]}' needs a number"))
    return problems


def _compare(op: str, left: Any, right: Any) -> bool:
    ln, rn = _number(left), _number(right)
    if ln is not None and rn is not None and not isinstance(left, str | bool):
        return _OPS[op](ln, rn)
    if op in ("eq", "ne"):
        return _OPS[op](left, _literal(right))
    raise ConditionError(f"cannot compare {json.dumps(left)[:80]} with '{_SYMBOL[op]}' {right!r}")


def evaluate(cond: ConditionData, source: NodeValues) -> bool:
    """True or False for the given source node's result; raises ConditionError if impossible."""
    if cond.kind == "exit_code":
        if source.exit_code is None:
            raise ConditionError(f"node {cond.source} has no exit code (not a shell node?)")
        result = _OPS[cond.operator](float(source.exit_code), _number(cond.value))
    elif cond.kind == "contains":
        result = str(cond.value or "") in source.output
    elif cond.kind == "matches":
        try:
            result = search(str(cond.value or ""), source.output)
        except ValueError as exc:  # a definition saved before RE2 checked it
            raise ConditionError(f"node {cond.source}'s pattern is {exc}") from exc
    else:
        if not source.has_json:
            raise ConditionError(f"node {cond.source}'s output is not JSON")
        path = tuple(p for p in (cond.path or "").split(".") if p)
        try:
            left = walk_json(source.json, Ref("node", cond.source, "json", path))
        except TemplateError as exc:
            raise ConditionError(str(exc)) from exc
        result = _compare(cond.operator, left, cond.value)
    return result != cond.negate


def describe(cond: ConditionData) -> str:
    """A one-line human reading of the condition, shown as the node's input."""
    subject = {
        "exit_code": f"nodes.{cond.source}.exit_code {_SYMBOL[cond.operator]} {cond.value}",
        "contains": f"nodes.{cond.source}.output contains {cond.value!r}",
        "matches": f"nodes.{cond.source}.output matches /{cond.value}/",
        "json": f"nodes.{cond.source}.json.{cond.path or ''} {_SYMBOL[cond.operator]} "
        f"{cond.value!r}",
    }[cond.kind]
    return f"not ({subject})" if cond.negate else subject
