"""`{{name}}` placeholders: declaring them and substituting shell-quoted values into a command.

Quoting depends on where the placeholder sits, so a small scanner tracks the shell context
(plain, '…', "…", $(…)/`…`, here-document bodies) and closes/reopens quotes around a value
quoted with shlex.quote. No value can end a quote, start a substitution or add a command.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from ..errors import ValidationFailed
from .models import Variable

PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]{0,63})\s*\}\}")
_HEREDOC = re.compile(r"<<(-?)[ \t]*(?:'([^'\n]*)'|\"([^\"\n]*)\"|\\?([A-Za-z0-9_.\-]+))")


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


def render(
    command: str, variables: Sequence[Variable], values: Mapping[str, str] | None = None
) -> str:
    """The command with every placeholder replaced by its safely quoted value."""
    resolved = resolve_values(command, variables, values)
    if not resolved:
        return command
    return _Substituter(command, resolved).run()


@dataclass
class _Heredoc:
    delimiter: str
    strip_tabs: bool
    expands: bool


@dataclass
class _Substituter:
    text: str
    values: Mapping[str, str]
    stack: list[str] = field(default_factory=lambda: ["top"])
    pending: list[_Heredoc] = field(default_factory=list)
    body: _Heredoc | None = None
    out: list[str] = field(default_factory=list)

    def run(self) -> str:
        i, n = 0, len(self.text)
        while i < n:
            match = PLACEHOLDER.match(self.text, i)
            if match:
                self.out.append(self._quoted(match.group(1)))
                i = match.end()
                continue
            i = self._advance(i)
        return "".join(self.out)

    def _quoted(self, name: str) -> str:
        value = self.values[name]
        if self.body is not None:
            return self._heredoc_value(name, value, self.body)
        context = self.stack[-1]
        quoted = shlex.quote(value)
        if context == "sq":
            return "'" + quoted + "'"
        if context == "dq":
            return '"' + quoted + '"'
        return quoted

    @staticmethod
    def _heredoc_value(name: str, value: str, doc: _Heredoc) -> str:
        lines = value.split("\n")
        if any((line.lstrip("\t") if doc.strip_tabs else line) == doc.delimiter for line in lines):
            raise ValidationFailed(f"Variable {name} would end the here-document early")
        if not doc.expands:
            return value
        # In an expanding here-document only \, $ and ` are special.
        return re.sub(r"([\\$`])", r"\\\1", value)

    def _advance(self, i: int) -> int:
        ch = self.text[i]
        self.out.append(ch)
        if self.body is not None:
            return self._advance_body(i)
        ctx = self.stack[-1]
        nxt = self.text[i + 1] if i + 1 < len(self.text) else ""
        if ctx == "sq":
            if ch == "'":
                self.stack.pop()
            return i + 1
        if ch == "\\" and nxt:
            self.out.append(nxt)
            return i + 2
        if ctx == "dq":
            if ch == '"':
                self.stack.pop()
            elif ch == "$" and nxt == "(":
                self.out.append(nxt)
                self.stack.append("sub")
                return i + 2
            elif ch == "`":
                self.stack.append("bt")
            return i + 1
        return self._advance_code(i, ch, nxt, ctx)

    def _advance_code(self, i: int, ch: str, nxt: str, ctx: str) -> int:
        if ch == "'":
            self.stack.append("sq")
        elif ch == '"':
            self.stack.append("dq")
        elif ch == "`":
            if ctx == "bt":
                self.stack.pop()
            else:
                self.stack.append("bt")
        elif ch == "$" and nxt == "(":
            self.out.append(nxt)
            self.stack.append("sub")
            return i + 2
        elif ch == "(" and ctx.startswith("sub"):
            self.stack.append("sub")
        elif ch == ")" and ctx == "sub":
            self.stack.pop()
        elif ch == "<" and nxt == "<" and self.text[i + 2 : i + 3] != "<":
            heredoc = _HEREDOC.match(self.text, i)
            if heredoc:
                delim = heredoc.group(2) or heredoc.group(3) or heredoc.group(4) or ""
                quoted = heredoc.group(4) is None or self.text[heredoc.start(4) - 1] == "\\"
                self.pending.append(_Heredoc(delim, heredoc.group(1) == "-", not quoted))
                self.out.append(self.text[i + 1 : heredoc.end()])
                return heredoc.end()
        elif ch == "\n" and self.pending:
            self.body = self.pending.pop(0)
            return self._advance_body(i)
        return i + 1

    def _advance_body(self, i: int) -> int:
        # Called at each character of a here-document body (already emitted); at a newline the
        # next line is checked, since a line equal to the delimiter ends the body.
        if self.body is None or self.text[i] != "\n":
            return i + 1
        end = self.text.find("\n", i + 1)
        line = self.text[i + 1 : end if end >= 0 else len(self.text)]
        check = line.lstrip("\t") if self.body.strip_tabs else line
        if check == self.body.delimiter:
            self.out.append(line)
            self.body = self.pending.pop(0) if self.pending else None
            return i + 1 + len(line)
        return i + 1
