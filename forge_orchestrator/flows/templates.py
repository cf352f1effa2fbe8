"""`{{ nodes.<id>.output }}`-style templates: parsing for validation, rendering for steps."""

from __future__ import annotations

import json
import re
import shlex
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal

from ..commands.models import Variable
from ..commands.variables import (
    PLACEHOLDER,
    Rendered,
    env_name,
    render_references,
    resolve_values,
)

_BLOCK = re.compile(r"\{\{(.*?)\}\}", re.S)
_EXPR = re.compile(
    r"^\s*(?:nodes\.(?P<node>[A-Za-z_][A-Za-z0-9_-]{0,63})\.(?P<attr>output|exit_code|json)"
    r"(?:\.(?P<path>[^\s{}]+))?|inputs\.(?P<input>[A-Za-z_][A-Za-z0-9_]{0,63}))\s*$"
)

_CARD_PLACEHOLDER = re.compile(r"^\{\{\s*[A-Za-z_][A-Za-z0-9_]{0,63}\s*\}\}$")


class TemplateError(ValueError):
    """A template that cannot be parsed or rendered; the message names the expression."""


@dataclass(frozen=True)
class Ref:
    kind: Literal["node", "input"]
    name: str
    attr: str = ""
    path: tuple[str, ...] = ()


@dataclass(frozen=True)
class NodeValues:
    """What a finished node exposes to templates downstream."""

    output: str = ""
    exit_code: int | None = None
    json: Any = None
    has_json: bool = False


def _parse_expr(expr: str) -> Ref:
    m = _EXPR.match(expr)
    if m is None:
        raise TemplateError(
            f"unknown template {{{{{expr}}}}}: use nodes.<id>.output, nodes.<id>.exit_code, "
            "nodes.<id>.json.<path> or inputs.<name>"
        )
    if m.group("input"):
        return Ref("input", m.group("input"))
    path = m.group("path")
    if path and m.group("attr") != "json":
        raise TemplateError(f"{{{{{expr.strip()}}}}}: only .json takes a path")
    return Ref("node", m.group("node"), m.group("attr"), tuple(path.split(".")) if path else ())


def parse(text: str) -> list[Ref]:
    """Every reference in ``text``; raises TemplateError on the first malformed one."""
    return [_parse_expr(m.group(1)) for m in _BLOCK.finditer(text)]


def scan(text: str) -> list[Ref | TemplateError]:
    """Every reference in ``text``, with malformed ones as errors, so all can be reported."""
    out: list[Ref | TemplateError] = []
    for m in _BLOCK.finditer(text):
        try:
            out.append(_parse_expr(m.group(1)))
        except TemplateError as exc:
            out.append(exc)
    return out


def walk_json(value: Any, ref: Ref) -> Any:
    """Follow ref.path through dicts and lists (numeric keys index lists)."""
    for i, key in enumerate(ref.path):
        where = ".".join(ref.path[: i + 1])
        if isinstance(value, Mapping) and key in value:
            value = value[key]
        elif (
            isinstance(value, list)
            and key.lstrip("-").isdigit()
            and -len(value) <= int(key) < len(value)
        ):
            value = value[int(key)]
        else:
            raise TemplateError(f"nodes.{ref.name}.json.{where}: no such field in its JSON output")
    return value


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def resolve(ref: Ref, nodes: Mapping[str, NodeValues], inputs: Mapping[str, str]) -> str:
    if ref.kind == "input":
        return inputs.get(ref.name, "")
    # A node skipped by a condition has no values: its references render empty.
    values = nodes.get(ref.name, NodeValues())
    if ref.attr == "output":
        return values.output
    if ref.attr == "exit_code":
        return "" if values.exit_code is None else str(values.exit_code)
    if not values.has_json:
        if ref.name not in nodes:
            return ""
        raise TemplateError(f"nodes.{ref.name}.json: that node's output is not JSON")
    return _as_text(walk_json(values.json, ref))


def render_shell(
    command: str,
    nodes: Mapping[str, NodeValues],
    inputs: Mapping[str, str],
    card_values: Mapping[str, str] | None = None,
    card_variables: Sequence[Variable] = (),
) -> Rendered:
    """A shell command whose references (and a card's own `{{name}}`s) are environment
    references, FORGE_REF_<n> / FORGE_VAR_<name>, bound to their values: no value is in the
    source. `.nested` names values a nested interpreter would parse as code."""
    flow_values: dict[str, str] = {}
    labels: dict[str, str] = {}

    def sub(m: re.Match[str]) -> str:
        try:
            ref = _parse_expr(m.group(1))
        except TemplateError:
            if _CARD_PLACEHOLDER.match(m.group(0)):
                return m.group(0)  # a command card's own {{name}} placeholder
            raise
        key = f"__flow_ref_{len(flow_values) + 1}"
        flow_values[key] = resolve(ref, nodes, inputs)
        labels[key] = m.group(1).strip()
        return "{{" + key + "}}"

    text = _BLOCK.sub(sub, command)
    card_text = PLACEHOLDER.sub(lambda m: "" if m.group(1) in flow_values else m.group(0), text)
    values = {**resolve_values(card_text, card_variables, card_values), **flow_values}
    env_names = {k: env_name(k) for k in values}
    env_names.update({k: f"FORGE_REF_{k.rsplit('_', 1)[1]}" for k in flow_values})
    rendered = render_references(text, values, env_names)
    # Show a flow reference by its expression, not its internal key.
    bindings = [replace(b, name=labels.get(b.name, b.name)) for b in rendered.bindings]
    nested = [_relabel(r, labels) for r in rendered.nested]
    return replace(rendered, bindings=bindings, nested=nested)


def _relabel(reason: str, labels: Mapping[str, str]) -> str:
    for key, label in labels.items():
        reason = reason.replace("{{" + key + "}}", "{{ " + label + " }}")
    return reason


def render(
    text: str,
    nodes: Mapping[str, NodeValues],
    inputs: Mapping[str, str],
    *,
    shell_quote: bool = False,
) -> str:
    """Substitute every reference; values in shell commands are quoted so they stay data."""

    def sub(m: re.Match[str]) -> str:
        value = resolve(_parse_expr(m.group(1)), nodes, inputs)
        return shlex.quote(value) if shell_quote else value

    return _BLOCK.sub(sub, text)
