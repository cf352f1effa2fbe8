"""`{{name}}` placeholders: declaring them and rendering them as environment references.

A value never enters the shell source. Each placeholder becomes a reference to an environment
variable bound for that run only (`"${FORGE_VAR_name}"`, in the form exact for its spot, which
placement.py reads from a real parse), so bash does the quoting. The one exception is a
here-document with a quoted delimiter, which bash never expands: there the value is inserted as
text, which bash does not parse either (a line that would end the body early is refused).
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from tree_sitter import Node

from ..errors import ValidationFailed
from . import nested
from .models import Variable
from .placement import Parsed, Slot, outer_context, parse

PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]{0,63})\s*\}\}")


def placeholders(command: str) -> list[str]:
    """Placeholder names in order of first appearance."""
    seen: list[str] = []
    for match in PLACEHOLDER.finditer(command):
        if match.group(1) not in seen:
            seen.append(match.group(1))
    return seen


def declare(command: str, variables: Sequence[Variable]) -> list[Variable]:
    """The declared variables plus a required one for each undeclared placeholder."""
    out = list(variables)
    known = {v.name for v in out}
    for name in placeholders(command):
        if name not in known:
            out.append(Variable(name=name, required=True))
            known.add(name)
    return out


def resolve_values(
    command: str, variables: Sequence[Variable], values: Mapping[str, str] | None
) -> dict[str, str]:
    """Each placeholder's value (given, else default); 422 for unknown or missing required ones."""
    given = dict(values or {})
    declared = {v.name: v for v in declare(command, variables)}
    unknown = sorted(set(given) - set(declared))
    if unknown:
        raise ValidationFailed(
            f"Unknown variable(s): {', '.join(unknown)}", details={"unknown": unknown}
        )
    resolved: dict[str, str] = {}
    missing: list[str] = []
    for name, var in declared.items():
        value = given.get(name)
        if value is None or (value == "" and var.required and var.default is None):
            value = var.default
        if value is None:
            if var.required:
                missing.append(name)
                continue
            value = ""
        if "\x00" in value:
            raise ValidationFailed(f"Variable {name} contains a NUL character")
        resolved[name] = value
    if missing:
        raise ValidationFailed(
            f"Missing required variable(s): {', '.join(missing)}", details={"missing": missing}
        )
    return resolved


def env_name(name: str) -> str:
    """The environment variable a card placeholder refers to."""
    return "FORGE_VAR_" + name


@dataclass(frozen=True)
class Binding:
    name: str  # the placeholder, e.g. `path` or `nodes.a.output`
    env: str  # the environment variable the command refers to
    value: str


@dataclass(frozen=True)
class Rendered:
    """A command exactly as it will run, and what it needs bound in its environment."""

    command: str
    bindings: list[Binding] = field(default_factory=list)
    # Why some value would be parsed as code by a nested interpreter; empty when none is.
    nested: list[str] = field(default_factory=list)
    # The template with the raw values put in: what a nested interpreter effectively parses.
    effective: str = ""
    # The command with top-level values shell-quoted in: what risk analysis looks at.
    analysis: str = ""

    @property
    def env(self) -> dict[str, str]:
        return {b.env: b.value for b in self.bindings}


def render(
    command: str, variables: Sequence[Variable], values: Mapping[str, str] | None = None
) -> Rendered:
    """Resolve the values (422 if missing/unknown/NUL) and render the command with references."""
    resolved = resolve_values(command, variables, values)
    return render_references(command, resolved, {n: env_name(n) for n in resolved})


def nested_reasons(command: str) -> list[str]:
    """For a card's template: placeholders whose value a nested interpreter would parse."""
    names = placeholders(command)
    if not names:
        return []
    return render_references(
        command, dict.fromkeys(names, ""), {n: env_name(n) for n in names}
    ).nested


def render_references(
    command: str,
    values: Mapping[str, str],
    env_names: Mapping[str, str],
    pattern: re.Pattern[str] = PLACEHOLDER,
) -> Rendered:
    """Replace each `pattern` match (group 1 = key into values/env_names) by its reference."""
    parsed = parse(command, pattern)
    if not parsed.slots:
        return Rendered(command, effective=command, analysis=command)
    out: list[str] = []
    effective: list[str] = []
    analysis: list[str] = []
    reasons: list[str] = []
    last = 0
    for slot in parsed.slots:
        value = values[slot.name]
        ref = _reference(parsed, slot, env_names[slot.name], value, command)
        between = command[last : slot.start]
        out += [between, ref]
        effective += [between, value]
        analysis += [between, shlex.quote(value) if slot.context == "word" else ref]
        reasons += [r for r in nested.reasons(parsed, slot) if r not in reasons]
        last = slot.end
    for parts in (out, effective, analysis):
        parts.append(command[last:])
    if parsed.has_error:
        reasons.append(
            "Forge could not fully parse this command, so it cannot tell whether a value "
            "reaches a nested interpreter"
        )
    used = dict.fromkeys(slot.name for slot in parsed.slots)
    bindings = [Binding(name, env_names[name], values[name]) for name in used]
    return Rendered("".join(out), bindings, reasons, "".join(effective), "".join(analysis))


def _reference(parsed: Parsed, slot: Slot, env: str, value: str, command: str) -> str:
    """The text that makes bash expand `env` to exactly its value at this spot."""
    context = slot.context
    if context == "brace":
        context = "heredoc" if outer_context(parsed, slot) == "heredoc" else "word"
    if context == "dq" and command[: slot.start].endswith("$"):
        return '""${' + env + "}"  # `$${x}` would be the shell's pid: keep the `$` literal
    if context in ("dq", "heredoc"):
        return "${" + env + "}"
    if context == "sq":
        return "'\"${" + env + "}\"'"
    if context == "ansi":
        return "'\"${" + env + "}\"$'"
    if context == "raw_heredoc":
        _check_heredoc_line(parsed, slot, value, command)
        return value
    return '"${' + env + '}"'  # a word, or a comment (where nothing is expanded)


def _check_heredoc_line(parsed: Parsed, slot: Slot, value: str, command: str) -> None:
    """Refuse a value that would put the delimiter alone on a line of a quoted here-document."""
    node: Node | None = parsed.node_at(slot)
    while node is not None and node.type != "heredoc_redirect":
        node = node.parent
    if node is None:
        return
    delimiter, strip_tabs = "", False
    for child in node.children:
        text = parsed.source[child.start_byte : child.end_byte].decode(errors="replace")
        if child.type == "<<-":
            strip_tabs = True
        elif child.type == "heredoc_start":
            delimiter = re.sub(r"[\'\"\\]", "", text)
    line_start = command.rfind("\n", 0, slot.start) + 1
    line_end = command.find("\n", slot.end)
    line_end = len(command) if line_end < 0 else line_end
    line = command[line_start : slot.start] + value + command[slot.end : line_end]
    for piece in line.split("\n"):
        if (piece.lstrip("\t") if strip_tabs else piece) == delimiter:
            raise ValidationFailed(f"Variable {slot.name} would end the here-document early")
