"""Per-program risk rules: each looks at one unwrapped command (name + arguments)."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from .risk_feed import Feeds, feed_severity, find_delete_severity, parse_find
from .risk_paths import (
    CAUTION,
    DANGEROUS,
    SAFE,
    SYSTEM_TOP,
    delete_severity,
    is_block_device,
    normalize,
    under_system,
    write_severity,
)

Finding = tuple[int, str]


@dataclass
class Ctx:
    name: str
    args: list[str]
    assigned: Mapping[str, str | None]
    # What feed markers in the arguments stand for (xargs input, find -exec's {}).
    feeds: Feeds = field(default_factory=Feeds)
    # Where an earlier `cd` in the same line moved to, for resolving relative paths.
    cwd: str | None = None

    def show(self, word: str) -> str:
        """A word for a reason: a feed marker is named by what it stands for."""
        feed = self.feeds.of(word)
        return word if feed is None else f"what {feed.source} lists"

    def delete(self, target: str, *, recursive: bool) -> tuple[int, str]:
        feed = self.feeds.of(target)
        if feed is not None:
            return feed_severity(feed, self.assigned, recursive=recursive)
        return delete_severity(self.path(target), self.assigned, recursive=recursive)

    def path(self, target: str) -> str:
        if self.cwd is None or target.startswith(("/", "~", "$")) or not target:
            return target
        return self.cwd.rstrip("/") + "/" + target


def split_opts(args: list[str]) -> tuple[list[str], list[str]]:
    """(options, operands): options start with - (until --); everything after -- is an operand."""
    opts: list[str] = []
    operands: list[str] = []
    ended = False
    for arg in args:
        if ended or not arg.startswith("-") or arg == "-":
            operands.append(arg)
        elif arg == "--":
            ended = True
        else:
            opts.append(arg)
    return opts, operands


def _short_flags(opts: list[str]) -> set[str]:
    return {ch for o in opts if not o.startswith("--") for ch in o[1:]}


def rule_rm(ctx: Ctx) -> list[Finding]:
    opts, targets = split_opts(ctx.args)
    flags = _short_flags(opts)
    recursive = bool(flags & {"r", "R"}) or "--recursive" in opts
    out: list[Finding] = []
    if "--no-preserve-root" in opts:
        out.append((DANGEROUS, "rm --no-preserve-root disables the guard against deleting /"))
    for target in targets:
        level, reason = ctx.delete(target, recursive=recursive)
        if level:
            out.append((level, reason))
    return out


def rule_find(ctx: Ctx) -> list[Finding]:
    """find -delete; -exec/-ok commands are judged as commands fed find's matches."""
    spec = parse_find(ctx.args)
    if spec.deletes_broad is None:
        return []
    return [
        find_delete_severity(ctx.path(root), spec.deletes_broad, ctx.assigned)
        for root in spec.roots
    ]


def rule_dd(ctx: Ctx) -> list[Finding]:
    for arg in ctx.args:
        if arg.startswith("of="):
            level, reason = write_severity(arg[3:])
            return [(level, "dd " + reason)] if level else []
    return []


_LISTING = {"-l", "--list", "-L", "print", "--print"}


def rule_disk(ctx: Ctx) -> list[Finding]:
    if set(ctx.args) & _LISTING or "--help" in ctx.args:
        return []
    return [(DANGEROUS, f"{ctx.name} formats, wipes or repartitions a disk")]


def rule_shred(ctx: Ctx) -> list[Finding]:
    _, targets = split_opts(ctx.args)
    out: list[Finding] = [(CAUTION, "shred irrecoverably overwrites files")]
    for target in targets:
        if is_block_device(target) or under_system(target, state=True):
            out.append((DANGEROUS, f"shred irrecoverably destroys {target}"))
        elif ctx.feeds.of(target) is not None:
            out.append(ctx.delete(target, recursive=True))
    return out


def _permission_target_level(ctx: Ctx, target: str) -> int:
    """Changing permissions or ownership of `target` breaks the system, or a whole home."""
    feed = ctx.feeds.of(target)
    if feed is not None and (feed.kind == "input" or (feed.kind == "find" and not feed.broad)):
        return SAFE  # only the files a test picked (or unknown ones), not a whole location
    roots = list(feed.roots) if feed is not None else [target]
    for root in roots:
        norm = normalize(ctx.path(root).replace("${HOME}", "~").replace("$HOME", "~"))
        parts = [p for p in norm.split("/") if p]
        home = norm == "~" or (len(parts) == 2 and parts[0] in ("home", "Users") and norm[0] == "/")
        top = norm.startswith("/") and len(parts) == 1 and parts[0] in SYSTEM_TOP
        if norm == "/" or home or top or under_system(norm, state=True):
            return DANGEROUS
    return SAFE


def rule_chmod(ctx: Ctx) -> list[Finding]:
    opts, operands = split_opts(ctx.args)
    recursive = "R" in _short_flags(opts) or "--recursive" in opts
    if not operands:
        return []
    spec, targets = (operands[0], operands[1:]) if ctx.name != "chattr" else ("", operands)
    out: list[Finding] = []
    world = spec in ("777", "0777", "666", "a+rwx", "o+w", "a+w", "ugo+rwx") or spec.endswith("777")
    for target in targets:
        recursive = recursive or ctx.feeds.of(target) is not None
        system = _permission_target_level(ctx, target) == DANGEROUS
        if system and (recursive or world or normalize(target) == "/"):
            what = "recursively " if recursive else ""
            shown = ctx.show(target)
            out.append((DANGEROUS, f"{ctx.name} {what}changes ownership/permissions of {shown}"))
        elif recursive and world:
            out.append((CAUTION, f"makes everything under {ctx.show(target)} world-writable"))
    return out


def rule_write_targets(ctx: Ctx) -> list[Finding]:
    """tee, truncate, sed -i, cp/mv/install/ln destinations, curl -o, wget -O."""
    name, args = ctx.name, ctx.args
    targets: list[str] = []
    if name == "tee":
        targets = [a for a in args if not a.startswith("-")]
    elif name in ("sed", "perl") and any(a.startswith("-i") or a.startswith("-pi") for a in args):
        targets = [a for a in split_opts(args)[1][1:]]
    elif name in ("cp", "mv", "install", "ln", "rsync"):
        targets = _destination(args)
    elif name in ("curl", "wget"):
        flags = ("-o", "--output", "-O", "--output-document")
        targets = [args[i + 1] for i, a in enumerate(args[:-1]) if a in flags]
    out = [write_severity(t) for t in targets]
    found = [(lvl, f"{name} {reason}") for lvl, reason in out if lvl]
    if name in ("sed", "perl") and any(ctx.feeds.of(t) is not None for t in targets):
        found.append((CAUTION, f"{name} edits in place every file it is fed"))
    if name == "mv":
        for source in split_opts(args)[1][:-1]:
            if _permission_target_level(ctx, source) == DANGEROUS:
                shown = ctx.show(source)
                found.append((DANGEROUS, f"mv moves away the system or home location {shown}"))
    return found


def _destination(args: list[str]) -> list[str]:
    for i, arg in enumerate(args):
        if arg in ("-t", "--target-directory") and i + 1 < len(args):
            return [args[i + 1]]
        if arg.startswith("--target-directory="):
            return [arg.split("=", 1)[1]]
    operands = split_opts(args)[1]
    return operands[-1:] if len(operands) >= 2 else []


def rule_git(ctx: Ctx) -> list[Finding]:
    args = ctx.args
    i = 0
    while i < len(args) and args[i].startswith("-"):
        i += 2 if args[i] in ("-C", "-c", "--git-dir", "--work-tree", "--namespace") else 1
    if i >= len(args):
        return []
    sub, rest = args[i], args[i + 1 :]
    opts, operands = split_opts(rest)
    flags = _short_flags(opts)
    if sub == "push":
        if "--force" in opts or "f" in flags or any(o.startswith("+") for o in operands):
            return [(DANGEROUS, "git push --force can overwrite others' commits on the remote")]
        if any(o.startswith("--force-with-lease") or o == "--force-if-includes" for o in opts):
            return [(CAUTION, "git push --force-with-lease rewrites remote history")]
        if "--delete" in opts or "d" in flags or any(o.startswith(":") for o in operands):
            return [(CAUTION, "git push deletes a remote branch or tag")]
        if "--mirror" in opts:
            return [(CAUTION, "git push --mirror makes the remote match exactly")]
    if sub == "reset" and "--hard" in opts:
        return [(DANGEROUS, "git reset --hard discards uncommitted changes")]
    if sub == "clean" and not ({"n"} & flags or "--dry-run" in opts):
        if ("f" in flags or "--force" in opts) and flags & {"d", "x", "X"}:
            return [(DANGEROUS, "git clean -fdx deletes untracked and ignored files")]
        if "f" in flags or "--force" in opts:
            return [(CAUTION, "git clean -f deletes untracked files")]
    if (
        sub in ("checkout", "restore", "switch")
        and ("f" in flags or "--force" in opts or "." in operands or "--discard-changes" in opts)
        and "--staged" not in opts
    ):
        return [(CAUTION, f"git {sub} discards local changes")]
    if sub == "branch" and ("D" in flags or ("--delete" in opts and "--force" in opts)):
        return [(CAUTION, "git branch -D deletes a branch even if unmerged")]
    if sub == "stash" and operands[:1] in (["drop"], ["clear"]):
        return [(CAUTION, f"git stash {operands[0]} deletes stashed changes")]
    if sub in ("filter-branch", "filter-repo") or (sub == "reflog" and "expire" in operands):
        return [(CAUTION, f"git {sub} rewrites repository history")]
    return []


_PKG_REMOVE: dict[str, tuple[set[str], int]] = {
    "apt": ({"remove", "purge", "autoremove", "autopurge"}, DANGEROUS),
    "apt-get": ({"remove", "purge", "autoremove", "autopurge"}, DANGEROUS),
    "aptitude": ({"remove", "purge"}, DANGEROUS),
    "yum": ({"remove", "erase", "autoremove"}, DANGEROUS),
    "dnf": ({"remove", "erase", "autoremove"}, DANGEROUS),
    "zypper": ({"remove", "rm"}, DANGEROUS),
    "apk": ({"del"}, DANGEROUS),
    "snap": ({"remove"}, CAUTION),
    "flatpak": ({"uninstall", "remove"}, CAUTION),
    "brew": ({"uninstall", "remove", "rm"}, CAUTION),
    "port": ({"uninstall"}, CAUTION),
    "pip": ({"uninstall"}, CAUTION),
    "pip3": ({"uninstall"}, CAUTION),
    "pipx": ({"uninstall", "uninstall-all"}, CAUTION),
    "uv": ({"remove"}, CAUTION),
    "conda": ({"remove", "uninstall"}, CAUTION),
    "gem": ({"uninstall"}, CAUTION),
    "cargo": ({"uninstall"}, CAUTION),
    "npm": ({"uninstall", "remove", "rm", "un", "unlink"}, CAUTION),
    "pnpm": ({"remove", "rm", "uninstall", "un"}, CAUTION),
    "yarn": ({"remove"}, CAUTION),
}


def rule_packages(ctx: Ctx) -> list[Finding]:
    name, args = ctx.name, ctx.args
    if name in ("python", "python3") and args[:2] == ["-m", "pip"]:
        name, args = "pip", args[2:]
    if name in ("pacman", "yay", "paru"):
        if any(a.startswith("-R") or a == "--remove" for a in args):
            return [(DANGEROUS, f"{name} removes system packages")]
        return []
    if name in ("dpkg", "rpm"):
        removing = {"-r", "-P", "--remove", "--purge", "-e", "--erase"} & set(args)
        return [(DANGEROUS, f"{name} removes system packages")] if removing else []
    verbs, level = _PKG_REMOVE.get(name, (set(), SAFE))
    operands = split_opts(args)[1]
    if operands and operands[0] in verbs:
        if name in ("npm", "pnpm", "yarn") and not {"-g", "--global"} & set(args):
            return []
        return [(level, f"{name} {operands[0]} removes installed packages")]
    return []


def rule_power(ctx: Ctx) -> list[Finding]:
    name, args = ctx.name, ctx.args
    if name in ("shutdown", "reboot", "halt", "poweroff", "kexec"):
        if "-c" in args or "--help" in args:  # shutdown -c cancels
            return []
        return [(DANGEROUS, f"{name} stops or restarts the machine")]
    if name in ("init", "telinit") and args[:1] in (["0"], ["6"]):
        return [(DANGEROUS, f"{name} {args[0]} stops or restarts the machine")]
    if name == "systemctl":
        operands = split_opts(args)[1]
        verb = operands[0] if operands else ""
        if verb in ("poweroff", "reboot", "halt", "kexec", "emergency", "rescue", "isolate"):
            return [(DANGEROUS, f"systemctl {verb} stops or restarts the machine")]
        if verb in ("suspend", "hibernate", "hybrid-sleep", "stop", "disable", "mask", "kill"):
            return [(CAUTION, f"systemctl {verb} stops services or the session")]
    return []


def rule_kill(ctx: Ctx) -> list[Finding]:
    args = list(ctx.args)
    if ctx.name in ("killall5",):
        return [(DANGEROUS, "killall5 signals every process")]
    if ctx.name != "kill":
        return [(CAUTION, f"{ctx.name} signals processes by name")] if ctx.name == "killall" else []
    if args and args[0] in ("-s", "-n") and len(args) > 1:
        args = args[2:]
    elif args and args[0].startswith("-") and len(args) > 1 and args[0] != "--":
        args = args[1:]
    if args[:1] == ["--"]:
        args = args[1:]
    if "-1" in args:
        return [(DANGEROUS, "kill -1 signals every process you are allowed to signal")]
    if "1" in args:
        return [(DANGEROUS, "kill 1 signals init, which brings the system down")]
    return []


def rule_misc(ctx: Ctx) -> list[Finding]:
    name, args = ctx.name, ctx.args
    joined = " ".join(args)
    if name == "crontab" and "-r" in args:
        return [(DANGEROUS, "crontab -r deletes every cron job without asking")]
    if name in ("userdel", "deluser", "groupdel"):
        return [(CAUTION, f"{name} deletes accounts")]
    if name in ("iptables", "ip6tables") and {"-F", "--flush", "-X"} & set(args):
        return [(CAUTION, f"{name} flushes firewall rules")]
    if (name == "ufw" and "disable" in args) or (name == "nft" and "flush" in args):
        return [(CAUTION, "disables or flushes the firewall")]
    if name in ("swapoff", "umount") and "-a" in args:
        return [(CAUTION, f"{name} -a affects every mount")]
    if name == "docker" and re.search(r"\b(system|volume|image|container|network) prune\b", joined):
        return [(CAUTION, "docker prune deletes containers, images or volumes")]
    if name == "docker" and re.search(r"\b(rm|rmi)\b.*(-f|--force)", joined):
        return [(CAUTION, "docker force-removes containers or images")]
    if name == "kubectl" and args[:1] == ["delete"]:
        big = {"namespace", "ns", "--all", "-A", "--all-namespaces"} & set(args)
        return [(DANGEROUS if big else CAUTION, "kubectl delete removes cluster resources")]
    if name in ("terraform", "tofu", "pulumi") and "destroy" in args:
        return [(DANGEROUS, f"{name} destroy deletes the managed infrastructure")]
    if name in ("aws", "gsutil", "gcloud", "az") and re.search(r"\b(rm|delete|rb)\b", joined):
        return [(CAUTION, f"{name} deletes cloud resources")]
    if name in ("mysql", "psql", "sqlite3", "mariadb", "mongo", "mongosh", "redis-cli"):
        if re.search(r"\bdrop\s+(database|schema)\b|\bflushall\b|dropDatabase", joined, re.I):
            return [(DANGEROUS, "drops a whole database")]
        if re.search(r"\b(drop\s+table|truncate|delete\s+from)\b", joined, re.I):
            return [(CAUTION, "deletes database tables or rows")]
    if name == "history" and "-c" in args:
        return [(CAUTION, "history -c clears the shell history")]
    return []


RULES: dict[str, Callable[[Ctx], list[Finding]]] = {"rm": rule_rm, "find": rule_find, "dd": rule_dd}
for _n in ("mkfs", "mke2fs", "mkswap", "wipefs", "fdisk", "sfdisk", "cfdisk", "parted", "gdisk",
           "sgdisk", "blkdiscard", "mkdosfs", "zpool"):  # fmt: skip
    RULES[_n] = rule_disk
RULES["shred"] = rule_shred
RULES["unlink"] = rule_rm
for _n in ("chmod", "chown", "chgrp", "chattr", "setfacl"):
    RULES[_n] = rule_chmod
for _n in ("tee", "sed", "perl", "cp", "mv", "install", "ln", "rsync", "curl", "wget"):
    RULES[_n] = rule_write_targets
RULES["git"] = rule_git
for _n in (*_PKG_REMOVE, "pacman", "yay", "paru", "dpkg", "rpm", "python", "python3"):
    RULES[_n] = rule_packages
for _n in ("shutdown", "reboot", "halt", "poweroff", "kexec", "init", "telinit", "systemctl"):
    RULES[_n] = rule_power
for _n in ("kill", "killall", "killall5"):
    RULES[_n] = rule_kill


def rules_for(name: str) -> list[Callable[[Ctx], list[Finding]]]:
    found: list[Callable[[Ctx], list[Finding]]] = []
    if name.startswith("mkfs.") or name.startswith("mkfs"):
        found.append(rule_disk)
    elif name in RULES:
        found.append(RULES[name])
    found.append(rule_misc)
    return found
