"""Destroying data without rm: rsync --delete, truncate, emptying, tar -C /, kill, inline code."""

from __future__ import annotations

import re
from collections.abc import Callable

from .risk_feed import feed_severity
from .risk_paths import (
    CAUTION,
    DANGEROUS,
    delete_severity,
    normalize,
    under_system,
    write_severity,
)
from .risk_rules import Ctx, Finding, split_opts


def overwrite(ctx: Ctx, target: str, what: str) -> Finding:
    """Emptying or overwriting one target: caution, or worse for a system path or a feed."""
    feed = ctx.feeds.of(target)
    if feed is not None:
        level, reason = feed_severity(feed, ctx.assigned, recursive=False, verb=what)
        return (level, reason) if level else (CAUTION, f"{what} {ctx.show(target)}")
    level, reason = write_severity(ctx.path(target))
    if level == DANGEROUS:
        return level, f"{what} {reason.removeprefix('overwrites ')}"
    return CAUTION, f"{what} {target}"


def rule_rsync(ctx: Ctx) -> list[Finding]:
    opts, operands = split_opts(ctx.args)
    deleting = any(o.startswith(("--delete", "--del")) and o != "--delay-updates" for o in opts)
    dry = "--dry-run" in opts or any(not o.startswith("--") and "n" in o for o in opts)
    if not deleting or dry or len(operands) < 2:
        return []
    dest = operands[-1]
    host, colon, path = dest.partition(":")
    if colon and "/" not in host:
        # host:path is relative to the remote home, host::module to a daemon's module.
        if path.startswith(":"):
            return [(CAUTION, f"rsync --delete deletes files in {dest} that the source lacks")]
        dest = path if path.startswith("/") else "~/" + path
    level, _ = delete_severity(ctx.path(dest), ctx.assigned, recursive=True)
    return [(max(level, CAUTION), f"rsync --delete deletes files in {dest} that the source lacks")]


def rule_truncate(ctx: Ctx) -> list[Finding]:
    operands = split_opts(ctx.args)[1]
    size_opts = [ctx.args[i + 1] for i, a in enumerate(ctx.args[:-1]) if a in ("-s", "--size")]
    targets = [t for t in operands if t not in size_opts]
    return [overwrite(ctx, t, "truncate empties or cuts") for t in targets]


def rule_cp_null(ctx: Ctx) -> list[Finding]:
    operands = split_opts(ctx.args)[1]
    if len(operands) == 2 and normalize(operands[0]) == "/dev/null":
        return [overwrite(ctx, operands[1], "cp /dev/null empties")]
    return []


def rule_extract(ctx: Ctx) -> list[Finding]:
    """tar -x / unzip into a directory: over / or a system path it replaces system files."""
    args = ctx.args
    if ctx.name == "tar":
        first = args[0] if args else ""
        extracting = any(a in ("--extract", "--get") for a in args) or (
            not first.startswith("--") and "x" in first
        )
        if not extracting:
            return []
        dirs = [args[i + 1] for i, a in enumerate(args[:-1]) if a in ("-C", "--directory")]
        dirs += [a[2:] for a in args if a.startswith("-C") and len(a) > 2]
        dirs += [a.split("=", 1)[1] for a in args if a.startswith("--directory=")]
    else:
        dirs = [args[i + 1] for i, a in enumerate(args[:-1]) if a == "-d"]
    out: list[Finding] = []
    for target in dirs:
        norm = normalize(ctx.path(target))
        if norm == "/" or under_system(norm, state=True):
            out.append((DANGEROUS, f"{ctx.name} extracts over the system files in {norm}"))
        elif norm in ("~", "$HOME"):
            out.append((CAUTION, f"{ctx.name} extracts over files in the home directory"))
    return out


def rule_kill_more(ctx: Ctx) -> list[Finding]:
    """pkill and kill of computed or fed PIDs signal processes nobody listed by hand."""
    if ctx.name == "pkill":
        if "-u" in ctx.args or any(a.startswith(("-u", "--euid", "--uid")) for a in ctx.args):
            return [(CAUTION, "pkill -u signals every process of a user")]
        return [(CAUTION, "pkill signals processes by name")]
    if any(ctx.feeds.of(a) is not None for a in ctx.args):
        return [(CAUTION, "kills whatever processes its input lists")]
    if any("$(" in a or "`" in a for a in ctx.args):
        return [(CAUTION, "kills processes computed at run time")]
    return []


# Deletion calls in inline interpreter code, with the call's literal path if any.
_TREE = re.compile(
    r"(shutil\.rmtree|rmtree|remove_tree|rm_rf|rm_r|remove_dir|rmSync|rmdirSync|fs\.rm)"
    r"\s*\(?\s*(?:['\"]([^'\"]*)['\"])?"
)
_FILES = re.compile(r"\b(os\.remove|os\.unlink|\.unlink\(|unlink\b|File\.delete|unlinkSync|rm_f)")
_SHELL_OUT = re.compile(
    r"\b(?:os\.system|os\.popen|subprocess\.\w+|system|exec|execSync|spawnSync|qx)\s*\(?\s*"
    r"\[?\s*(['\"])(.+?)\1"
)
_CODE_FLAGS = {"python": "-c", "perl": "-e", "ruby": "-e", "node": "-e", "php": "-r"}


def inline_code(name: str, args: list[str]) -> str | None:
    """The program text given inline (python -c, perl -e/-ne, ruby -e, node -e)."""
    base = "python" if name.startswith("python") else "node" if name == "nodejs" else name
    flag = _CODE_FLAGS.get(base)
    if flag is None:
        return None
    for i, arg in enumerate(args[:-1]):
        if arg == flag or (
            arg.startswith("-") and not arg.startswith("--") and arg.endswith(flag[1])
        ):
            return args[i + 1]
        if arg in ("--eval", "-p", "--print"):
            return args[i + 1]
    return None


def code_findings(ctx: Ctx, code: str, analyse: Callable[[str], list[Finding]]) -> list[Finding]:
    """Deletions and shell commands inside inline interpreter code."""
    out: list[Finding] = []
    for match in _TREE.finditer(code):
        path = match.group(2)
        if path:
            level, _ = delete_severity(ctx.path(path), ctx.assigned, recursive=True)
            out.append((max(level, CAUTION), f"{ctx.name} code deletes the tree {path}"))
        else:
            out.append((CAUTION, f"{ctx.name} code deletes a directory tree"))
    if _FILES.search(code):
        out.append((CAUTION, f"{ctx.name} code deletes files"))
    for match in _SHELL_OUT.finditer(code):
        out.extend((lvl, f"{ctx.name} runs a shell command: {why}") for lvl, why in
                   analyse(match.group(2)))  # fmt: skip
    return out


DESTROY_RULES: dict[str, Callable[[Ctx], list[Finding]]] = {
    "rsync": rule_rsync,
    "truncate": rule_truncate,
    "cp": rule_cp_null,
    "tar": rule_extract,
    "bsdtar": rule_extract,
    "unzip": rule_extract,
    "kill": rule_kill_more,
    "pkill": rule_kill_more,
}


def destroy_rules_for(name: str) -> list[Callable[[Ctx], list[Finding]]]:
    rule = DESTROY_RULES.get(name)
    return [rule] if rule else []
