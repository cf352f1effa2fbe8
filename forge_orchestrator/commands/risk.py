"""Shell-aware risk analysis of a command line: safe, caution or dangerous, with reasons.

A guard-rail, not a sandbox: it reads the command as written (wrappers such as sudo, env,
xargs and nice unwrapped; sh -c, eval and ssh scripts analysed recursively) and flags the
well-known ways to destroy data or a machine. Anything clever enough can still get past it.
"""

from __future__ import annotations

import re
import shlex

from .models import RiskVerdict
from .risk_paths import CAUTION, DANGEROUS, SAFE, write_severity
from .risk_rules import Ctx, Finding, rules_for
from .shell_words import Cmd, Parsed, Word, all_commands, parse
from .variables import PLACEHOLDER

LEVELS = ("safe", "caution", "dangerous")
_MAX_DEPTH = 4
DOWNLOADERS = {"curl", "wget", "fetch", "aria2c", "http", "https", "lwp-request", "GET", "nc",
               "ncat", "netcat", "socat", "xh"}  # fmt: skip
SHELLS = {"sh", "bash", "zsh", "dash", "ksh", "mksh", "fish", "csh", "tcsh", "ash", "busybox"}
INTERPRETERS = SHELLS | {"python", "python2", "python3", "perl", "ruby", "node", "nodejs",
                         "php", "lua", "deno", "bun", "pwsh", "tclsh", "Rscript", "source", ".",
                         "eval"}  # fmt: skip
_PY_VERSION = re.compile(r"^python\d(\.\d+)?$")
_FORK_BOMBS = (
    re.compile(r"([A-Za-z_:.][\w:.-]*)\s*\(\s*\)\s*\{[^}]*?\1\s*\|\s*\1\s*&"),
    re.compile(r"\bfork\s+while\s+fork\b|\bwhile\s*\(\s*1\s*\)\s*fork\b"),
)
_TOO_DEEP = "nested too deeply to analyse, so it is treated as dangerous"
_FORK_BOMB = "a fork bomb: it multiplies processes until the system hangs"
_PLAIN_WRAPPERS = {"nice", "ionice", "setsid", "stdbuf", "nohup", "time", "builtin", "unbuffer",
                   "exec", "caffeinate", "chrt", "then", "do", "else", "!"}  # fmt: skip
_SUDO_ARG_OPTS = {"-u", "-g", "-h", "-p", "-C", "-D", "-r", "-t", "-T", "-U", "--user", "--group",
                  "--host", "--prompt", "--chdir", "--role", "--type", "--other-user"}  # fmt: skip
_XARGS_ARG_OPTS = {"-I", "-n", "-P", "-L", "-d", "-E", "-s", "-a", "--max-args", "--max-procs",
                   "--delimiter", "--arg-file", "--max-lines", "--eof", "--max-chars"}  # fmt: skip
_SSH_ARG_OPTS = set("bcDEeFIiJLlmOopQRSWw")


def analyze(command: str) -> RiskVerdict:
    """Classify a command line; reasons say what was found, most serious first."""
    try:
        return _verdict(_analyze(command, 0))
    except RecursionError:
        # Pathological nesting cannot be checked; asking for confirmation is the safe side.
        return RiskVerdict(level="dangerous", reasons=[_TOO_DEEP])


def analyze_template(command: str) -> RiskVerdict:
    """Classify a card's command; each `{{name}}` stands for some user-given value."""
    return analyze(PLACEHOLDER.sub(lambda m: "{{" + m.group(1) + "}}", command))


def _verdict(findings: list[Finding]) -> RiskVerdict:
    level = max((lvl for lvl, _ in findings), default=SAFE)
    reasons: list[str] = []
    for lvl, reason in sorted(findings, key=lambda f: -f[0]):
        if lvl and reason and reason not in reasons:
            reasons.append(reason)
    return RiskVerdict.model_validate({"level": LEVELS[level], "reasons": reasons})


def _analyze(text: str, depth: int) -> list[Finding]:
    findings: list[Finding] = []
    for pattern in _FORK_BOMBS:
        if pattern.search(text):
            findings.append((DANGEROUS, _FORK_BOMB))
    parsed = parse(text)
    findings.extend(_self_piping_functions(parsed))
    cwd: list[str | None] = [None]
    for cmd in all_commands(parsed):
        findings.extend(_command(cmd, parsed, depth, cwd))
    return findings


def _follow_cd(args: list[str], cwd: list[str | None]) -> None:
    """Track `cd DIR` so later relative paths (rm -rf usr after cd /) are judged absolute."""
    operands = [a for a in args if not a.startswith("-")]
    target = operands[0] if operands else "~"
    if target.startswith(("/", "~", "$HOME")):
        cwd[0] = target
    elif cwd[0] is not None and not target.startswith("$"):
        cwd[0] = cwd[0].rstrip("/") + "/" + target
    else:
        cwd[0] = None


def _self_piping_functions(parsed: Parsed) -> list[Finding]:
    for name, body in parsed.functions.items():
        for cmd in body:
            if cmd.argv[:1] == [name] and any(u.argv[:1] == [name] for u in cmd.upstream):
                return [(DANGEROUS, _FORK_BOMB)]
    return []


def basename(word: str) -> str:
    return word.rsplit("/", 1)[-1].lstrip("\\")


def unwrap(argv: list[str]) -> tuple[int, bool, bool]:
    """Index of the real program behind wrappers, and whether sudo / xargs wrapped it."""
    i, n, sudo, xargs = 0, len(argv), False, False
    while i < n:
        name = basename(argv[i])
        if name in ("sudo", "doas", "run0", "pkexec"):
            sudo, i = True, _skip_opts(argv, i + 1, _SUDO_ARG_OPTS)
        elif name == "env":
            i = _skip_opts(argv, i + 1, {"-u", "--unset", "-C", "--chdir", "-S", "--split-string"})
            while i < n and "=" in argv[i] and argv[i].split("=", 1)[0].isidentifier():
                i += 1
        elif name in _PLAIN_WRAPPERS:
            i = _skip_opts(argv, i + 1, {"-n", "-c", "-a", "-i", "-o", "-e", "-p", "-t"})
        elif name == "command":
            if i + 1 < n and argv[i + 1] in ("-v", "-V"):
                return n, sudo, xargs  # command -v only looks a name up
            i = _skip_opts(argv, i + 1, set())
        elif name in ("timeout", "taskset", "chroot", "flock"):
            i = _skip_opts(argv, i + 1, {"-s", "-k", "--signal", "--kill-after", "-c", "-w"}) + 1
        elif name == "watch":
            i = _skip_opts(argv, i + 1, {"-n", "--interval", "-d"})
        elif name == "xargs":
            xargs, i = True, _skip_opts(argv, i + 1, _XARGS_ARG_OPTS)
        else:
            break
    return i, sudo, xargs


def _skip_opts(argv: list[str], i: int, with_arg: set[str]) -> int:
    while i < len(argv) and argv[i].startswith("-") and argv[i] != "-":
        if argv[i] == "--":
            return i + 1
        i += 2 if argv[i] in with_arg else 1
    return i


def _is_interpreter(name: str) -> bool:
    return name in INTERPRETERS or bool(_PY_VERSION.match(name))


def _upstream_names(cmd: Cmd) -> list[str]:
    names = []
    for up in cmd.upstream:
        start = unwrap(up.argv)[0]
        if start < len(up.argv):
            names.append(basename(up.argv[start]))
    return names


def _downloaded(words: list[Word]) -> str | None:
    """The downloader whose output one of these words substitutes in, if any."""
    for word in words:
        for inner in word.subst:
            start = unwrap(inner.argv)[0]
            if start < len(inner.argv) and basename(inner.argv[start]) in DOWNLOADERS:
                return basename(inner.argv[start])
            nested = _downloaded(inner.words)
            if nested:
                return nested
    return None


def _redirects(cmd: Cmd) -> list[Finding]:
    out: list[Finding] = []
    for op, word in cmd.redirects:
        if op in (">", ">>", ">|", "&>", "&>>") or (op == ">&" and not word.text.isdigit()):
            level, reason = write_severity(word.text)
            if level:
                out.append((level, f"redirect {reason}"))
    return out


def _command(cmd: Cmd, parsed: Parsed, depth: int, cwd: list[str | None]) -> list[Finding]:
    findings = _redirects(cmd)
    argv = cmd.argv
    start, sudo, via_xargs = unwrap(argv)
    if sudo:
        findings.append((CAUTION, "runs as root (sudo)"))
        if start >= len(argv):
            findings.append((CAUTION, "opens a root shell"))
    if start >= len(argv):
        return findings
    head = cmd.words[start]
    name, args, words = basename(head.text), argv[start + 1 :], cmd.words[start + 1 :]
    if head.subst:
        source = _downloaded([head])
        findings.append(
            (DANGEROUS, f"runs code downloaded by {source}")
            if source
            else (CAUTION, "runs a command computed at run time")
        )
    if _is_interpreter(name):
        findings.extend(_interpreter(cmd, name, args, words, depth))
    elif name in ("ssh", "su") and depth < _MAX_DEPTH:
        findings.extend(_remote(name, args, depth))
    if name in ("cd", "pushd"):
        _follow_cd(args, cwd)
    ctx = Ctx(name=name, args=args, assigned=parsed.assigned, via_xargs=via_xargs, cwd=cwd[0])
    for rule in rules_for(name):
        findings.extend(rule(ctx))
    return findings


def _interpreter(
    cmd: Cmd, name: str, args: list[str], words: list[Word], depth: int
) -> list[Finding]:
    out: list[Finding] = []
    upstream = _upstream_names(cmd)
    fetched = next((u for u in upstream if u in DOWNLOADERS), None)
    if fetched:
        out.append((DANGEROUS, f"pipes code downloaded by {fetched} into {name}"))
    elif upstream and name in SHELLS and "-c" not in args:
        out.append((CAUTION, f"runs commands piped into {name}"))
    source = _downloaded(words)
    if source:
        out.append((DANGEROUS, f"{name} runs code downloaded by {source}"))
    script = _script(name, args)
    if script is not None and depth < _MAX_DEPTH:
        out.extend(_analyze(script, depth + 1))
    return out


def _script(name: str, args: list[str]) -> str | None:
    """The code an interpreter is given inline (sh -c CODE, eval ARGS)."""
    if name == "eval":
        return " ".join(args)
    if name not in SHELLS:
        return None
    for i, arg in enumerate(args):
        if arg.startswith("-") and not arg.startswith("--") and "c" in arg[1:]:
            rest = [a for a in args[i + 1 :] if not a.startswith("-")]
            return rest[0] if rest else None
    return None


def _remote(name: str, args: list[str], depth: int) -> list[Finding]:
    if name == "su":
        for i, arg in enumerate(args[:-1]):
            if arg in ("-c", "--command"):
                inner = _analyze(args[i + 1], depth + 1)
                return [(CAUTION, "runs as another user (su)"), *inner]
        return []
    i = 0
    while i < len(args) and args[i].startswith("-"):
        i += 2 if len(args[i]) == 2 and args[i][1] in _SSH_ARG_OPTS else 1
    remote = args[i + 1 :]
    if not remote:
        return []
    script = " ".join(remote) if len(remote) > 1 else remote[0]
    return [(lvl, f"on the remote host: {reason}") for lvl, reason in _analyze(script, depth + 1)]


def split_words(text: str) -> list[str]:
    """Shell words of a simple string (used by the UI helpers and tests)."""
    try:
        return shlex.split(text)
    except ValueError:
        return text.split()
