"""Shell-aware risk analysis of a command line: safe, caution or dangerous, with reasons.

A guard-rail, not a sandbox: it reads the command as written (wrappers such as sudo, env,
xargs, parallel, find -exec and nice followed into the command they run; sh -c, eval and ssh
scripts analysed recursively) and flags the well-known ways to destroy data or a machine, by
the policy written in README.md. Anything clever enough can still get past it.
"""

from __future__ import annotations

import functools
import re

from .models import RiskVerdict
from .risk_destroy import code_findings, destroy_rules_for, inline_code, overwrite
from .risk_feed import Feed, Feeds, parse_find
from .risk_paths import CAUTION, DANGEROUS, SAFE, is_harmless_device, normalize, write_severity
from .risk_rules import Ctx, Finding, rules_for
from .risk_wrappers import Inner, basename, pipe_feed, unwrap
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
_SSH_ARG_OPTS = set("bcDEeFIiJLlmOopQRSWw")
# Longer commands are not analysed: the verdict says so and asks for typed confirmation.
MAX_CHARS = 32_768
_TOO_LONG = "too long to analyse ({n} characters), so it is treated as dangerous"
_POSITIONAL = re.compile(r"\$\{?[0-9@*]\}?")
_EMPTY_WRITERS = ([":"], ["true"], ["cat", "/dev/null"], ["echo", "-n"], ["echo", "-n", ""],
                  ["printf", ""], ["printf"])  # fmt: skip
_WHOLE_SUBST = re.compile(r'^"?(\$\(.*\)|`.*`)"?$', re.S)
_ENDLESS = {"/dev/zero", "/dev/urandom", "/dev/random"}


def analyze(command: str) -> RiskVerdict:
    """Classify a command line; reasons say what was found, most serious first."""
    if len(command) > MAX_CHARS:
        return RiskVerdict(level="dangerous", reasons=[_TOO_LONG.format(n=len(command))])
    try:
        return _verdict(_Analysis().text(command, 0))
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
            if cmd.argv[:1] == [name] and any(u.argv[:1] == [name] for u in cmd.piped_from()):
                return [(DANGEROUS, _FORK_BOMB)]
    return []


def _is_interpreter(name: str) -> bool:
    return name in INTERPRETERS or bool(_PY_VERSION.match(name))


def _downloaded(words: list[Word]) -> str | None:
    """The downloader whose output one of these words substitutes in, if any."""
    for word in words:
        for inner in word.subst:
            program = _program(inner)
            if program in DOWNLOADERS:
                return program
            nested = _downloaded(inner.words)
            if nested:
                return nested
    return None


def _program(cmd: Cmd, cache: dict[int, str] | None = None) -> str:
    """The program a command runs behind its wrappers (memoised per analysis by object id)."""
    if cache is not None and id(cmd) in cache:
        return cache[id(cmd)]
    inner = unwrap(cmd.argv, Feeds(), lambda: Feed("its input"))
    name = basename(inner.argv[0]) if inner.argv else ""
    if cache is not None:
        cache[id(cmd)] = name
    return name


def _script(name: str, args: list[str]) -> tuple[str | None, list[str]]:
    """The code an interpreter is given inline (sh -c CODE ARGS…, eval ARGS) and its $0, $1…"""
    if name == "eval":
        return " ".join(args), []
    if name not in SHELLS:
        return None, []
    for i, arg in enumerate(args):
        if arg.startswith("-") and not arg.startswith("--") and "c" in arg[1:]:
            rest = [a for a in args[i + 1 :] if not a.startswith("-")]
            j = args.index(rest[0], i + 1) if rest else len(args)
            return (rest[0] if rest else None), args[j + 1 :]
    return None, []


def reads_program_from_stdin(name: str, args: list[str]) -> bool:
    """Whether the interpreter takes its program from stdin (curl … | sh), not from -c or a file."""
    if name in ("eval",):
        return False
    if name in ("source", "."):
        return bool(args) and args[0] in ("/dev/stdin", "-")
    if _script(name, args)[0] is not None or inline_code(name, args) is not None:
        return False
    python = bool(_PY_VERSION.match(name)) or name == "python"
    if python and any(a.startswith(("-m", "-c")) for a in args):
        return False
    operands = [a for a in args if not a.startswith("-") or a == "-"]
    if name in SHELLS and any(a[:1] == "-" and a[1:2] != "-" and "s" in a[1:] for a in args):
        return True
    return not operands or operands[0] == "-"


class _Analysis:
    """One analyze() call: the feed markers it made and the recursion over nested scripts."""

    def __init__(self) -> None:
        self.feeds = Feeds()
        # Commands stay alive for the whole analysis, so their ids are stable keys.
        self.programs: dict[int, str] = {}
        self.fetched: dict[int, str | None] = {}

    def text(self, text: str, depth: int) -> list[Finding]:
        findings: list[Finding] = []
        for pattern in _FORK_BOMBS:
            if pattern.search(text):
                findings.append((DANGEROUS, _FORK_BOMB))
        parsed = parse(text)
        findings.extend(_self_piping_functions(parsed))
        cwd: list[str | None] = [None]
        for cmd in all_commands(parsed):
            inner = unwrap(cmd.argv, self.feeds, functools.partial(pipe_feed, cmd, self.feeds))
            ctx = Ctx(name="", args=[], assigned=parsed.assigned, feeds=self.feeds, cwd=cwd[0])
            findings.extend(self._redirects(cmd, inner, ctx))
            findings.extend(self._invoke(inner, cmd, parsed, depth, cwd))
        return findings

    def _redirects(self, cmd: Cmd, inner: Inner, ctx: Ctx) -> list[Finding]:
        out: list[Finding] = []
        argv = [basename(inner.argv[0]), *inner.argv[1:]] if inner.argv else []
        emptying = not argv or argv in _EMPTY_WRITERS
        endless = argv[:1] == ["yes"] or (
            argv[:1] == ["cat"]
            and len(argv) > 1
            and all(normalize(a) in _ENDLESS for a in argv[1:])
        )
        for op, word in cmd.redirects:
            if op not in (">", ">>", ">|", "&>", "&>>") and (op != ">&" or word.text.isdigit()):
                continue
            target = word.text
            level, reason = write_severity(target)
            if self.feeds.of(target) is not None or (emptying and not is_harmless_device(target)):
                out.append(overwrite(ctx, target, "empties" if emptying else "overwrites"))
            elif endless and not is_harmless_device(target):
                out.append((max(level, CAUTION), f"fills {target} until the disk is full"))
            elif level:
                out.append((level, f"redirect {reason}"))
        return out

    def _invoke(
        self, inner: Inner, cmd: Cmd, parsed: Parsed, depth: int, cwd: list[str | None]
    ) -> list[Finding]:
        findings: list[Finding] = []
        if inner.sudo:
            findings.append((CAUTION, "runs as root (sudo)"))
            if not inner.argv and inner.script is None:
                findings.append((CAUTION, "opens a root shell"))
        if inner.script is not None and depth < _MAX_DEPTH:
            findings.extend(self.text(inner.script, depth + 1))
        if not inner.argv:
            return findings
        name, args = basename(inner.argv[0]), self._substituted(inner, cmd)
        if inner.argv[0].startswith(("./", "../")):
            name = inner.argv[0]  # a local script that happens to share a tool's name
        findings.extend(self._head(inner, cmd))
        if _is_interpreter(name):
            findings.extend(self._interpreter(cmd, name, args, depth))
        elif name in ("ssh", "su") and depth < _MAX_DEPTH:
            findings.extend(self._remote(name, args, depth))
        if name in ("cd", "pushd"):
            _follow_cd(args, cwd)
        if name == "find":
            findings.extend(self._find_exec(args, cmd, parsed, depth, cwd))
        ctx = Ctx(name=name, args=args, assigned=parsed.assigned, feeds=self.feeds, cwd=cwd[0])
        for rule in rules_for(name) + destroy_rules_for(name):
            findings.extend(rule(ctx))
        code = inline_code(name, args)
        if code is not None and depth < _MAX_DEPTH:
            findings.extend(code_findings(ctx, code, lambda s: self.text(s, depth + 1)))
        return findings

    def _substituted(self, inner: Inner, cmd: Cmd) -> list[str]:
        """Arguments; one that is a whole $(…) becomes a feed of what that command lists."""
        args = inner.argv[1:]
        if inner.index is None:
            return args
        for k, word in enumerate(cmd.words[inner.index + 1 :]):
            if word.subst and _WHOLE_SUBST.match(word.text) and k < len(args):
                args[k] = self.feeds.add(pipe_feed(Cmd(prev=word.subst[-1]), self.feeds))
        return args

    def _head(self, inner: Inner, cmd: Cmd) -> list[Finding]:
        """A program name that is computed (a substitution, a variable) runs unknown code."""
        head = cmd.words[inner.index] if inner.index is not None else Word(inner.argv[0])
        if head.subst:
            source = _downloaded([head])
            if source:
                return [(DANGEROUS, f"runs code downloaded by {source}")]
            return [(CAUTION, "runs a command computed at run time")]
        if "$(" in head.text or "`" in head.text:
            return [(CAUTION, "runs a command computed at run time")]
        if head.text.startswith("$") and self.feeds.of(head.text) is None:
            return [(CAUTION, f"runs the command named by {head.text}")]
        return []

    def _find_exec(
        self, args: list[str], cmd: Cmd, parsed: Parsed, depth: int, cwd: list[str | None]
    ) -> list[Finding]:
        """find -exec CMD {} ; runs CMD on every match: judge CMD fed find's matches."""
        spec = parse_find(args)
        out: list[Finding] = []
        for segment, broad in spec.execs:
            feed = Feed("find " + " ".join(spec.roots), "find", tuple(spec.roots), broad)
            mark = self.feeds.add(feed)
            argv = [a.replace("{}", mark) for a in segment]
            inner = unwrap(argv, self.feeds, lambda: Feed("its input"))
            inner.index = None
            out.extend(self._invoke(inner, cmd, parsed, depth, cwd))
        return out

    def _interpreter(self, cmd: Cmd, name: str, args: list[str], depth: int) -> list[Finding]:
        out: list[Finding] = []
        from_stdin = reads_program_from_stdin(name, args)
        fetched = self._downloader_upstream(cmd)
        if fetched and from_stdin:
            out.append((DANGEROUS, f"pipes code downloaded by {fetched} into {name}"))
        elif cmd.prev is not None and name in SHELLS and from_stdin:
            out.append((CAUTION, f"runs commands piped into {name}"))
        source = _downloaded(cmd.words)
        if source:
            out.append((DANGEROUS, f"{name} runs code downloaded by {source}"))
        script, positional = _script(name, args)
        if script is not None and depth < _MAX_DEPTH:
            mark = next((a for a in positional if self.feeds.of(a) is not None), None)
            if mark is not None:  # sh -c 'rm "$1"' _ {}: the positional parameters are fed paths
                script = _POSITIONAL.sub(mark, script)
            out.extend(self.text(script, depth + 1))
        return out

    def _downloader_upstream(self, cmd: Cmd) -> str | None:
        """The nearest downloader anywhere up the pipeline; memoised so a long one stays linear."""
        chain: list[Cmd] = []
        node = cmd.prev
        while node is not None and id(node) not in self.fetched:
            chain.append(node)
            node = node.prev
        found = self.fetched[id(node)] if node is not None else None
        for up in reversed(chain):
            program = _program(up, self.programs)
            found = program if program in DOWNLOADERS else found
            self.fetched[id(up)] = found
        return self.fetched[id(cmd.prev)] if cmd.prev is not None else None

    def _remote(self, name: str, args: list[str], depth: int) -> list[Finding]:
        if name == "su":
            for i, arg in enumerate(args[:-1]):
                if arg in ("-c", "--command"):
                    inner = self.text(args[i + 1], depth + 1)
                    return [(CAUTION, "runs as another user (su)"), *inner]
            return []
        i = 0
        while i < len(args) and args[i].startswith("-"):
            i += 2 if len(args[i]) == 2 and args[i][1] in _SSH_ARG_OPTS else 1
        remote = args[i + 1 :]
        if not remote:
            return []
        script = " ".join(remote) if len(remote) > 1 else remote[0]
        found = self.text(script, depth + 1)
        return [(lvl, f"on the remote host: {reason}") for lvl, reason in found]
