"""Commands that run other commands (sudo, env, nice, timeout, xargs, parallel, watch, …).

`unwrap` finds the program a wrapper line really runs; paths a wrapper hands over (xargs'
input, parallel's ::: arguments) become feed markers so the inner rules judge them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .risk_feed import Feed, Feeds, parse_find
from .shell_words import Cmd

SUDOS = {"sudo", "doas", "run0", "pkexec"}
_SUDO_ARG_OPTS = {"-u", "-g", "-h", "-p", "-C", "-D", "-r", "-t", "-T", "-U", "--user", "--group",
                  "--host", "--prompt", "--chdir", "--role", "--type", "--other-user"}  # fmt: skip
# Wrappers that run their operands as a command, with the options that take a value.
_PLAIN: dict[str, set[str]] = {
    "nice": {"-n", "--adjustment"}, "ionice": {"-c", "-n", "-p", "-P", "-u", "--class",
    "--classdata"}, "nohup": set(), "setsid": set(), "stdbuf": {"-i", "-o", "-e"},
    "time": {"-f", "-o", "--format", "--output"}, "builtin": set(), "unbuffer": set(),
    "exec": {"-a"}, "caffeinate": {"-t", "-w"}, "then": set(), "do": set(), "else": set(),
    "!": set(), "runuser": {"-u", "-g", "-G", "--user", "--group"}, "eatmydata": set(),
    "fakeroot": set(), "strace": {"-o", "-e", "-p", "-s", "-u", "-E", "-a", "-O", "-P", "-S"},
    "ltrace": {"-o", "-e", "-p", "-s", "-u", "-n", "-a"}, "catchsegv": set(), "proxychains": {"-f"},
    "torsocks": set(), "unshare": set(), "firejail": set(), "valgrind": set(), "chpst": {"-u"},
    "screen": {"-S", "-c", "-e", "-h", "-p", "-T", "-t", "-s"}, "systemd-run": {"-p", "-u",
    "--unit", "--property", "-E", "--setenv", "--uid", "--gid", "--slice"},
}  # fmt: skip
# Wrappers with one operand before the command (a duration, a CPU mask, a priority, a file).
_OPERAND: dict[str, set[str]] = {"timeout": {"-s", "-k", "--signal", "--kill-after"},
                                 "taskset": set(), "chroot": {"--userspec", "--groups"},
                                 "flock": {"-w", "--timeout", "-E", "--conflict-exit-code"},
                                 "chrt": set()}  # fmt: skip
_XARGS_ARG = set("IndPLsaE")  # xargs short options that take a value
_XARGS_LONG_ARG = {"--max-args", "--max-procs", "--delimiter", "--arg-file", "--max-lines",
                   "--eof", "--max-chars", "--process-slot-var"}  # fmt: skip
_PARALLEL_ARG = {"-j", "-P", "--jobs", "-S", "--sshlogin", "-N", "-n", "--max-args", "-L",
                 "--colsep", "-C", "--delay", "--timeout", "--joblog", "--results", "-d",
                 "--delimiter", "-a", "--arg-file", "-I", "--tagstring", "--tmpdir"}  # fmt: skip
_PARALLEL_REPL = ("{}", "{.}", "{/}", "{//}", "{/.}", "{#}", "{%}")


@dataclass
class Inner:
    argv: list[str]  # the program and its arguments; [] when nothing runs
    index: int | None  # where argv[0] sits among the original words (None once rewritten)
    sudo: bool = False
    script: str | None = None  # a shell string the wrapper runs (watch 'cmd', env -S)


def basename(word: str) -> str:
    return word.rsplit("/", 1)[-1].lstrip("\\")


def skip_opts(argv: list[str], i: int, with_arg: set[str]) -> int:
    while i < len(argv) and argv[i].startswith("-") and argv[i] != "-":
        if argv[i] == "--":
            return i + 1
        i += 2 if argv[i] in with_arg else 1
    return i


def unwrap(argv: list[str], feeds: Feeds, pipe_feed: Callable[[], Feed]) -> Inner:
    """The command behind the wrappers; fed paths are written as feed markers."""
    i, sudo, index = 0, False, 0
    while i < len(argv):
        name = basename(argv[i])
        if name in SUDOS:
            sudo, i = True, skip_opts(argv, i + 1, _SUDO_ARG_OPTS)
        elif name == "env":
            i = skip_opts(argv, i + 1, {"-u", "--unset", "-C", "--chdir"})
            if i < len(argv) and argv[i - 1] in ("-S", "--split-string"):
                return Inner([], None, sudo, " ".join(argv[i:]))
            while i < len(argv) and "=" in argv[i] and argv[i].split("=", 1)[0].isidentifier():
                i += 1
        elif name in _PLAIN:
            i = skip_opts(argv, i + 1, _PLAIN[name])
        elif name == "command":
            if i + 1 < len(argv) and argv[i + 1] in ("-v", "-V"):
                return Inner([], None, sudo)  # command -v only looks a name up
            i = skip_opts(argv, i + 1, set())
        elif name in _OPERAND:
            i = skip_opts(argv, i + 1, _OPERAND[name]) + 1
            if name == "flock" and i < len(argv) and argv[i] in ("-c", "--command"):
                return Inner([], None, sudo, " ".join(argv[i + 1 :]))
        elif name == "watch":
            i = skip_opts(argv, i + 1, {"-n", "--interval", "-d", "--differences", "-q"})
            return Inner([], None, sudo, " ".join(argv[i:]))  # watch runs its words via sh -c
        elif name == "xargs":
            argv, i, index = _xargs(argv[i + 1 :], feeds, pipe_feed), 0, -1
        elif name == "parallel":
            rewritten = _parallel(argv[i + 1 :], feeds, pipe_feed)
            if isinstance(rewritten, str):
                return Inner([], None, sudo, rewritten)
            argv, i, index = rewritten, 0, -1
        else:
            break
    return Inner(argv[i:], None if index < 0 else i, sudo)


def _xargs(args: list[str], feeds: Feeds, pipe_feed: Callable[[], Feed]) -> list[str]:
    replace: str | None = None
    from_file: str | None = None
    i = 0
    while i < len(args) and args[i].startswith("-") and args[i] != "-":
        arg = args[i]
        i += 1
        if arg == "--":
            break
        if arg.startswith("--"):
            key, _, value = arg.partition("=")
            if key == "--replace":
                replace = value or "{}"
            elif key in _XARGS_LONG_ARG and not value:
                value, i = (args[i] if i < len(args) else ""), i + 1
            if key == "--arg-file":
                from_file = value
            continue
        for j, ch in enumerate(arg[1:], 1):
            if ch in _XARGS_ARG:
                value = arg[j + 1 :]
                if not value:
                    value, i = (args[i] if i < len(args) else ""), i + 1
                if ch == "I":
                    replace = value
                elif ch == "a":
                    from_file = value
                break
            if ch == "i":
                replace = arg[j + 1 :] or "{}"
                break
            if ch in "le":
                break  # -l[N], -e[EOF]: an optional attached value
    feed = Feed(f"the file {from_file}") if from_file else pipe_feed()
    mark = feeds.add(feed)
    inner = args[i:] or ["echo"]
    if replace:
        return [a.replace(replace, mark) for a in inner]
    return [*inner, mark]


def _parallel(args: list[str], feeds: Feeds, pipe_feed: Callable[[], Feed]) -> list[str] | str:
    i = skip_opts(args, 0, _PARALLEL_ARG)
    seps = [j for j in range(i, len(args)) if args[j] in (":::", "::::", ":::+", "::::+")]
    command = args[i : seps[0]] if seps else args[i:]
    values = [a for a in args[seps[0] + 1 :] if not a.startswith(":::")] if seps else []
    if seps and not command:
        return "; ".join(values)  # parallel ::: 'cmd1' 'cmd2' runs each value as a command
    if not seps:
        feed = pipe_feed()
    elif args[seps[0]].startswith("::::"):
        feed = Feed(f"the file {values[0] if values else ''}".strip())
    else:
        feed = Feed("parallel's arguments", "list", tuple(values))
    mark = feeds.add(feed)
    if any(r in a for a in command for r in _PARALLEL_REPL):
        out = []
        for arg in command:
            for r in _PARALLEL_REPL:
                arg = arg.replace(r, mark)
            out.append(arg)
        return out
    return [*command, mark]


# Filters between a listing and xargs: narrowing ones make the listing partial.
_TRANSPARENT = {"sort", "uniq", "tac", "tr", "tee", "cat", "xargs", "dirname", "realpath"}
_NARROW = {"grep", "egrep", "fgrep", "head", "tail", "awk", "sed", "cut", "perl", "agrep"}


def pipe_feed(cmd: Cmd, feeds: Feeds) -> Feed:
    """What the pipeline feeding `cmd` lists: find's matches, ls's operands, or unknown input."""
    narrowed = False
    for up in cmd.piped_from():
        inner = unwrap(up.argv, feeds, lambda: Feed("its input"))
        if not inner.argv:
            return Feed("its input")
        name, args = basename(inner.argv[0]), inner.argv[1:]
        operands = [a for a in args if not a.startswith("-")]
        if name == "find":
            spec = parse_find(args)
            return Feed("find " + " ".join(spec.roots), "find", tuple(spec.roots),
                        spec.prints_broad and not narrowed)  # fmt: skip
        if name in ("grep", "egrep", "fgrep") and any(
            a.startswith("-") and ("l" in a or "L" in a) for a in args if not a.startswith("--")
        ):
            roots = tuple(operands[1:]) or (".",)
            return Feed(f"{name} -l", "find", roots, False)  # files a recursive grep picks
        if name in ("grep", "egrep", "fgrep") and any(a in ("-v", "--invert-match") for a in args):
            continue  # grep -v keeps almost everything
        if name in ("ls", "echo", "printf") and not narrowed:
            listed = tuple(operands) or ("*",) if name == "ls" else tuple(operands)
            return Feed(name, "list", listed)
        if name in _NARROW:
            narrowed = True
        elif name not in _TRANSPARENT or (name == "cat" and operands):
            return Feed(name)
    return Feed("its input")
