"""Paths one command hands another: what find, ls or a pipe feed into xargs, -exec or parallel."""

from __future__ import annotations

import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field

from .risk_paths import CAUTION, DANGEROUS, SAFE, delete_severity, is_temp, normalize

# A fed path is written into the inner command as a marker word, so that the per-program
# rules see `rm __forge_feed_…_0__` and ask what it stands for instead of seeing a literal {}.
# Each analysis draws its own random marker, so a command cannot spell one to pass as a feed.


@dataclass(frozen=True)
class Feed:
    source: str  # named in reasons: "find /", "ls", "its input"
    kind: str = "input"  # "find" (every match under roots), "list" (literal paths), "input"
    roots: tuple[str, ...] = ()
    broad: bool = False  # find only: no test narrows the matches, so it is every file


class Feeds:
    """The markers of one analysis and the feeds they stand for."""

    def __init__(self) -> None:
        self._prefix = f"__forge_feed_{secrets.token_hex(6)}_"
        self._pattern = re.compile(re.escape(self._prefix) + r"\d+__")
        self._feeds: dict[str, Feed] = {}

    def add(self, feed: Feed) -> str:
        mark = f"{self._prefix}{len(self._feeds)}__"
        self._feeds[mark] = feed
        return mark

    def of(self, word: str) -> Feed | None:
        if self._prefix not in word:
            return None
        found = self._pattern.search(word)
        return self._feeds.get(found.group(0)) if found else None


# find primaries that take a value (so the value is not read as a path or a test).
_VALUED = {"-name", "-iname", "-path", "-ipath", "-regex", "-iregex", "-wholename", "-iwholename",
           "-lname", "-ilname", "-mtime", "-mmin", "-atime", "-amin", "-ctime", "-cmin", "-newer",
           "-anewer", "-cnewer", "-size", "-user", "-group", "-perm", "-inum", "-samefile",
           "-links", "-uid", "-gid", "-used", "-fstype", "-type", "-xtype", "-maxdepth",
           "-mindepth", "-printf", "-fprintf", "-fprint", "-fprint0", "-fls", "-regextype",
           "-context", "-daystart"}  # fmt: skip
# Tests that select some files; -type, -maxdepth and the like still match "everything".
_NARROWING = _VALUED - {"-type", "-xtype", "-maxdepth", "-mindepth", "-printf", "-fprintf",
                        "-fprint", "-fprint0", "-fls", "-regextype", "-fstype",
                        "-daystart"}  # fmt: skip
_NARROWING |= {"-empty", "-nouser", "-nogroup", "-readable", "-writable", "-executable"}
_EXEC = ("-exec", "-execdir", "-ok", "-okdir")


@dataclass
class FindSpec:
    roots: list[str]
    deletes_broad: bool | None = None  # None: no -delete; else whether its branch is unfiltered
    prints_broad: bool = True  # what it lists (for a pipe) is every file under the roots
    execs: list[tuple[list[str], bool]] = field(default_factory=list)  # (argv, branch broad)


def parse_find(args: list[str]) -> FindSpec:
    """Roots, actions and, per action, whether a test in its -o branch narrows the matches."""
    roots: list[str] = []
    i = 0
    while i < len(args) and args[i] in ("-H", "-L", "-P", "-D", "-O3", "-d", "-depth"):
        i += 1
    while i < len(args) and not args[i].startswith(("-", "(", "!", ")")):
        roots.append(args[i])
        i += 1
    spec = FindSpec(roots or ["."])
    narrowed, depth, printed, printing = False, 0, False, False
    while i < len(args):
        arg = args[i]
        negated = i > 0 and args[i - 1] in ("!", "-not")
        if arg in ("(", "\\("):
            depth += 1
        elif arg in (")", "\\)"):
            depth -= 1
        elif arg in ("-o", "-or") and depth == 0:
            narrowed = False  # a new branch: its own tests decide
        elif arg in _EXEC:
            end = i + 1
            while end < len(args) and args[end] not in (";", "+", "\\;"):
                end += 1
            spec.execs.append((args[i + 1 : end], not narrowed))
            i = end
        elif arg == "-delete":
            spec.deletes_broad = (spec.deletes_broad or False) or not narrowed
        elif arg.startswith(("-print", "-ls", "-fprint")):
            printed, printing = True, printing or not narrowed
        elif arg in _NARROWING or arg.startswith("-newer"):
            value = args[i + 1] if i + 1 < len(args) else ""
            if not negated and not (arg in ("-name", "-iname") and value in ("*", "'*'")):
                narrowed = True
        if arg in _VALUED or arg.startswith("-newer"):
            i += 1
        i += 1
    spec.prints_broad = printing if printed else not narrowed
    return spec


def find_delete_severity(
    root: str, broad: bool, assigned: Mapping[str, str | None]
) -> tuple[int, str]:
    """Deleting (or overwriting) what `find ROOT …` matches."""
    level, _ = delete_severity(root, assigned, recursive=True)
    norm = normalize(root)
    if broad:
        return DANGEROUS, f"deletes every file under {root} (find with no narrowing test)"
    if level == DANGEROUS and (norm in (".", "..") or is_temp(norm, inside=False)):
        level = CAUTION  # find . -name '*.pyc' -delete is routine clean-up
    where = "inside the home directory" if level == DANGEROUS else ""
    return max(level, CAUTION), f"deletes the files find matches under {root} {where}".strip()


def feed_severity(
    feed: Feed, assigned: Mapping[str, str | None], *, recursive: bool, verb: str = "deletes"
) -> tuple[int, str]:
    """Deleting or overwriting every path `feed` hands over."""
    found: list[tuple[int, str]] = []
    if feed.kind == "find":
        found = [find_delete_severity(r, feed.broad, assigned) for r in feed.roots]
    elif feed.kind == "list":
        found = [delete_severity(r, assigned, recursive=recursive) for r in feed.roots]
    if feed.kind == "input" or not found:
        return CAUTION, f"{verb} whatever paths {feed.source} lists"
    level, reason = max(found, key=lambda f: f[0])
    if not level:
        return SAFE, ""  # ls *.txt | xargs rm is rm *.txt
    return level, f"{reason.replace('deletes', verb, 1)} (fed by {feed.source})"
