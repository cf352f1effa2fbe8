"""Condition nodes: test an upstream result and pick the outgoing edges labelled true or false."""

from __future__ import annotations

import json
import operator
import re
from collections.abc import Callable
from typing import Any

from .definition import ConditionData
from .templates import NodeValues, Ref, TemplateError, walk_json

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
            re.compile(str(cond.value or ""))
        except re.error as exc:
            problems.append(("value", f"not a valid regular expression: {exc}"))
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
        result = re.search(str(cond.value or ""), source.output) is not None
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
