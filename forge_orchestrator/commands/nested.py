"""Finds placeholders whose value a nested interpreter or arithmetic evaluation will parse.

A value reaches bash as a quoted parameter expansion, which bash itself never runs. But text
handed to another parser (the code argument of `bash -c`, `eval`, `ssh host …`, `python -c`,
awk and sed programs, a here-document fed to a shell, `$(( … ))`) is read as code *after*
expansion, so no rendering is both exact and safe there: these spots need a typed confirmation.
Detection errs on the side of asking.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

from tree_sitter import Node

from .models import RiskVerdict
from .placement import Parsed, Slot

SHELLS = {"bash", "sh", "zsh", "dash", "ksh", "mksh", "ash", "fish", "busybox", "rbash"}
# Interpreter -> options whose next argument is a program text.
_CODE_OPTS: dict[str, set[str]] = {
    **{s: {"-c"} for s in SHELLS},
    **{p: {"-c"} for p in ("python", "python2", "python3", "pypy", "pypy3", "pwsh", "su")},
    **{p: {"-e", "-E"} for p in ("perl", "ruby", "lua", "Rscript", "osascript", "jq")},
    "node": {"-e", "--eval", "-p", "--print"},
    "deno": {"eval"},
    "php": {"-r"},
    "su": {"-c", "--command"},
    "sed": {"-e", "--expression"},
    "gsed": {"-e", "--expression"},
    "tclsh": set(),
}
_AWKS = {"awk", "gawk", "mawk", "nawk", "busybox-awk"}
_SEDS = {"sed", "gsed"}
# Every argument is code (at command position): eval and friends, and ssh's remote command.
# (`read` and `mapfile` take variable names, and bash evaluates a name's subscript.)
_EVALS = {"eval", "let", "source", ".", "trap", "watch", "script", "read", "mapfile",
          "readarray"}  # fmt: skip
_WRAPPERS = {"sudo", "doas", "env", "nice", "nohup", "timeout", "time", "exec", "command",
             "builtin", "stdbuf", "setsid", "ionice", "chrt", "xargs", "unbuffer", "caffeinate",
             "flock", "chroot", "runuser", "strace", "ltrace", "then", "do", "!"}  # fmt: skip
_ARITH_TESTS = {"-eq", "-ne", "-lt", "-le", "-gt", "-ge"}
_SSH_ARG_OPTS = set("bcDEeFIiJLlmOopQRSWw")


def _text(node: Node, source: bytes) -> str:
    return source[node.start_byte : node.end_byte].decode(errors="replace")


def _bare(node: Node, source: bytes) -> str:
    """An argument's text with simple quoting removed (good enough to recognise names/options)."""
    return _text(node, source).replace("'", "").replace('"', "").replace("\\", "")


def _argv(command: Node) -> list[Node]:
    out: list[Node] = []
    for child in command.children:
        if child.type == "command_name":
            out.extend(child.children or [child])
        elif child.is_named and not child.type.endswith(("redirect", "assignment")):
            out.append(child)
    return out


def _inside(slot: Slot, node: Node) -> bool:
    return node.start_byte <= slot.byte_start and slot.byte_end <= node.end_byte


def _program_args(name: str, args: list[Node], source: bytes) -> Iterator[Node]:
    """The arguments after an interpreter `name` that it parses as a program."""
    opts = _CODE_OPTS.get(name, set())
    is_awk, is_sed = name in _AWKS, name in _SEDS
    script_given = False
    i = 0
    while i < len(args):
        word = _bare(args[i], source)
        flag = word.split("=", 1)[0]
        if flag in opts or (name in SHELLS and word.startswith("-") and "c" in word[1:3]):
            if "=" in word:
                yield args[i]
            elif i + 1 < len(args):
                yield args[i + 1]
            script_given = True
            i += 2
            continue
        if is_awk and word in ("-F", "-v", "-f"):
            script_given = script_given or word == "-f"
            i += 2
            continue
        if is_sed and word in ("-f", "--file"):
            script_given = True
        if not word.startswith("-") or word == "-":
            if (is_awk or is_sed) and not script_given:
                yield args[i]
            return
        i += 1


def reads_code_from_stdin(command: Node, source: bytes) -> str | None:
    """The interpreter's name when `command` runs one that reads its program from stdin."""
    argv = _argv(command)
    names = [os.path.basename(_bare(a, source)) for a in argv]
    i = 0
    while i < len(names) and (names[i] in _WRAPPERS or names[i].startswith("-") or "=" in names[i]):
        i += 1
    if i >= len(names) or (names[i] not in _CODE_OPTS and names[i] not in _AWKS | {"node"}):
        return None
    if names[i] in _AWKS | _SEDS | {"jq", "su"}:
        return None
    rest = names[i + 1 :]
    if any(r in _CODE_OPTS.get(names[i], ()) for r in rest):
        return None
    if (
        any(not r.startswith("-") or r == "-" for r in rest)
        and "-" not in rest
        and "-s" not in rest
    ):
        return None  # a script file is given: stdin is its data
    return names[i]


def _command_reasons(command: Node, slot: Slot, source: bytes) -> Iterator[str]:
    argv = _argv(command)
    names = [os.path.basename(_bare(a, source)) for a in argv]
    at_command, in_wrapper = True, False
    for j, name in enumerate(names):
        rest = argv[j + 1 :]
        if name in _CODE_OPTS or name in _AWKS:
            for program in _program_args(name, rest, source):
                if _inside(slot, program):
                    yield f"the program text that `{name}` parses"
        if at_command and name in _EVALS and any(_inside(slot, a) for a in rest):
            yield f"an argument that `{name}` evaluates as shell code or names"
        printf_v = name == "printf" and j + 2 < len(argv) and names[j + 1] == "-v"
        if at_command and printf_v and _inside(slot, argv[j + 2]):
            yield "the variable name `printf -v` assigns, whose subscript bash evaluates"
        if at_command and name == "ssh":
            remote = _ssh_remote(rest, source)
            if any(_inside(slot, a) for a in remote):
                yield "the remote command that `ssh` hands to the remote shell"
        if name in _WRAPPERS:
            at_command, in_wrapper = True, True
        elif not (in_wrapper and (name.startswith("-") or "=" in name or name[:1].isdigit())):
            at_command, in_wrapper = False, False


def _ssh_remote(args: list[Node], source: bytes) -> list[Node]:
    i = 0
    while i < len(args):
        word = _bare(args[i], source)
        if not word.startswith("-"):
            return args[i + 1 :]
        i += 2 if len(word) == 2 and word[1] in _SSH_ARG_OPTS else 1
    return []


def _stdin_reasons(node: Node, slot: Slot, source: bytes) -> Iterator[str]:
    """A here-document/here-string body, or an earlier pipeline stage, feeding an interpreter."""
    if node.type in ("heredoc_redirect", "herestring_redirect"):
        target = node.parent
        commands = [target] if target is not None and target.type == "command" else []
        commands += [c for c in (target.children if target else []) if c.type == "command"]
        commands += [c for p in node.children if p.type == "pipeline" for c in p.children]
        for command in commands:
            if command.type == "command" and (name := reads_code_from_stdin(command, source)):
                yield f"text fed to `{name}` on its standard input, which it runs as code"
    if node.type == "pipeline":
        stages = [c for c in node.children if c.is_named]
        later = [s for s in stages if s.start_byte >= slot.byte_end]
        for stage in later:
            inner = (
                stage
                if stage.type == "command"
                else next((c for c in stage.children if c.type == "command"), None)
            )
            if inner is not None and (name := reads_code_from_stdin(inner, source)):
                yield f"output piped into `{name}`, which runs it as code"


def _syntax_reasons(node: Node, slot: Slot, source: bytes) -> Iterator[str]:
    """Spots where bash itself evaluates text: names, substring offsets, [[ -v ]], argv[0]."""
    parent = node.parent
    kind = node.type
    if kind == "command_name":
        yield "the command name, so the value chooses the program that runs"
    elif kind == "variable_name" and parent is not None and parent.type == "variable_assignment":
        yield "a variable name, whose subscript bash evaluates (`a[$(…)]` runs code)"
    elif kind in ("declaration_command", "unset_command"):
        holder = next((c for c in node.children if _inside(slot, c)), None)
        if holder is not None and holder.type != "variable_assignment":
            yield "a name that `declare`/`export`/`unset` evaluates (`a[$(…)]` runs code)"
    elif kind == "expansion":
        ops = [c for c in node.children if not c.is_named]
        offset = next((c for c in ops if _text(c, source) == ":"), None)
        if offset is not None and offset.end_byte <= slot.byte_start:
            yield "a ${x:offset:length}, which bash evaluates as arithmetic"
    elif kind == "unary_expression" and parent is not None and parent.type == "test_command":
        tests_name = any(_text(c, source) == "-v" for c in node.children)
        if tests_name:
            yield "a [[ -v name ]] test, whose subscript bash evaluates"


def reasons(parsed: Parsed, slot: Slot) -> list[str]:
    """Why this placeholder's value would be parsed as code; empty when it stays data."""
    source = parsed.source
    found: list[str] = []
    if slot.arithmetic:
        found.append("an arithmetic expression, which evaluates `a[$(…)]` in a value")
    node: Node | None = parsed.node_at(slot)
    while node is not None:
        if node.type == "command":
            found.extend(_command_reasons(node, slot, source))
        elif (
            node.type == "binary_expression" and node.parent and node.parent.type == "test_command"
        ):
            ops = {_text(c, source) for c in node.children}
            if ops & _ARITH_TESTS:
                found.append("an arithmetic test in [[ ]], which evaluates `a[$(…)]` in a value")
        found.extend(_stdin_reasons(node, slot, source))
        found.extend(_syntax_reasons(node, slot, source))
        node = node.parent
    tag = "{{" + slot.name + "}}"
    return [f"{tag} is inside {why}" for why in dict.fromkeys(found)]


def merge_nested(verdict: RiskVerdict, nested: list[str]) -> RiskVerdict:
    """A verdict that also names nested-interpreter values; those make it dangerous."""
    if not nested:
        return verdict
    reasons = nested + [r for r in verdict.reasons if r not in nested]
    return RiskVerdict(level="dangerous", reasons=reasons)
