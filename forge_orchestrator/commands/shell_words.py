"""Turns a shell command line into simple commands (words, redirects, pipeline upstream).

bashlex does the parsing; when it cannot (``[[ ]]``, ``case``, arithmetic, odd quoting) a
quote-aware fallback scanner produces the same shape, so risk analysis never sees raw text only.
"""

from __future__ import annotations

import functools
import importlib
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

# bashlex is recursive and ~10x slower than the fallback scanner (and superlinear on long
# pipelines); commands longer than this use the scanner, which is linear.
_BASHLEX_MAX = 4_096
# How far back along a pipeline analysis looks (curl … | a | b | sh); bounds the work per command.
UPSTREAM_LIMIT = 32


@dataclass
class Word:
    text: str
    # Commands inside $(...), `...` or <(...) of this word.
    subst: list[Cmd] = field(default_factory=list)


@dataclass
class Cmd:
    words: list[Word] = field(default_factory=list)
    redirects: list[tuple[str, Word]] = field(default_factory=list)
    assignments: dict[str, str] = field(default_factory=dict)
    # The command piping into this one; a pointer, not a list, so a long pipeline stays linear.
    prev: Cmd | None = field(default=None, repr=False)

    @property
    def argv(self) -> list[str]:
        return [w.text for w in self.words]

    def piped_from(self, limit: int = UPSTREAM_LIMIT) -> list[Cmd]:
        """The commands piping into this one, nearest first, at most `limit` of them."""
        out: list[Cmd] = []
        cmd = self.prev
        while cmd is not None and len(out) < limit:
            out.append(cmd)
            cmd = cmd.prev
        return out


@dataclass
class Parsed:
    commands: list[Cmd]
    # Variables assigned anywhere (name -> literal value, or None for loop variables).
    assigned: dict[str, str | None]
    functions: dict[str, list[Cmd]]
    exact: bool


@functools.cache
def _bashlex() -> ModuleType:
    # bashlex builds its parser tables when imported (~0.2 s of CPU): not at start-up, but on
    # the first parse or in the warm-up once the server is listening (warm_up below).
    return importlib.import_module("bashlex")


def warm_up() -> None:
    """Load the parser ahead of the first command analysed (run in a background thread)."""
    _bashlex()


def parse(text: str) -> Parsed:
    """All simple commands of `text` (nested substitutions included), in source order."""
    if len(text) <= _BASHLEX_MAX:
        try:
            trees = _bashlex().parse(text)
        except Exception:  # bashlex raises several types on constructs it does not support
            trees = None
        if trees is not None:
            walker = _BashlexWalker()
            for tree in trees:
                walker.visit(tree, None)
            return Parsed(walker.commands, walker.assigned, walker.functions, exact=True)
    return _fallback(text)


def all_commands(parsed: Parsed) -> list[Cmd]:
    """Every command including those nested in word substitutions."""
    out: list[Cmd] = []

    def add(cmd: Cmd) -> None:
        out.append(cmd)
        for word in cmd.words + [w for _, w in cmd.redirects]:
            for inner in word.subst:
                add(inner)

    for cmd in parsed.commands:
        add(cmd)
    return out


class _BashlexWalker:
    def __init__(self) -> None:
        self.commands: list[Cmd] = []
        self.assigned: dict[str, str | None] = {}
        self.functions: dict[str, list[Cmd]] = {}

    def visit(self, node: Any, prev: Cmd | None) -> list[Cmd]:
        """Visit a node; returns the top-level commands it created (for pipelines)."""
        kind = node.kind
        if kind == "command":
            return [self._command(node, prev)]
        if kind == "pipeline":
            made: list[Cmd] = []
            for part in node.parts:
                if part.kind != "pipe":
                    made.extend(self.visit(part, made[-1] if made else prev))
            return made
        if kind == "function":
            name = node.parts[0].word if node.parts and node.parts[0].kind == "word" else ""
            start = len(self.commands)
            made = []
            for part in node.parts[1:]:
                made.extend(self.visit(part, prev))
            self.functions[name] = self.commands[start:]
            return made
        if kind == "for":
            words = [p for p in node.parts if p.kind == "word"]
            if words:
                self.assigned[words[0].word] = None
        made = []
        for child in _children(node):
            made.extend(self.visit(child, prev))
        return made

    def _word(self, node: Any) -> Word:
        word = Word(text=getattr(node, "word", ""))
        for part in getattr(node, "parts", []) or []:
            word.subst.extend(self._substs(part))
        return word

    def _substs(self, node: Any) -> list[Cmd]:
        if node.kind in ("commandsubstitution", "processsubstitution"):
            saved = self.commands
            self.commands = []
            self.visit(node.command, None)
            inner, self.commands = self.commands, saved
            return inner
        out: list[Cmd] = []
        for part in getattr(node, "parts", []) or []:
            out.extend(self._substs(part))
        return out

    def _command(self, node: Any, prev: Cmd | None) -> Cmd:
        cmd = Cmd(prev=prev)
        for part in node.parts:
            if part.kind == "word":
                cmd.words.append(self._word(part))
            elif part.kind == "assignment":
                name, _, value = part.word.partition("=")
                cmd.assignments[name] = value
                self.assigned[name] = value
                self._word(part)
            elif part.kind == "redirect":
                target = part.output
                if hasattr(target, "kind") and target.kind == "word":
                    cmd.redirects.append((part.type, self._word(target)))
        self.commands.append(cmd)
        return cmd


def _children(node: Any) -> list[Any]:
    kids = getattr(node, "parts", None)
    if kids is None:
        kids = getattr(node, "list", None)
    if kids is None:
        command = getattr(node, "command", None)
        kids = [command] if command is not None else []
    skip = {"operator", "pipe", "reservedword", "word", "parameter", "tilde", "heredoc"}
    return [k for k in kids if hasattr(k, "kind") and k.kind not in skip]


# ---- fallback scanner -------------------------------------------------------------------

_OPERATORS = (
    "&>>", "<<<", "&&", "||", "|&", ";;", ">>", ">|", "&>", "<<", "<&", ">&",
    "|", "&", ";", "(", ")", "<", ">",
)  # fmt: skip
_REDIRECTS = {"&>>", "<<<", ">>", ">|", "&>", "<<", "<&", ">&", "<", ">"}
_KEYWORDS = {"if", "then", "else", "elif", "fi", "do", "done", "while", "until", "!", "{", "}"}
_KEYWORDS |= {"esac", "in", "time", "[[", "]]"}


@dataclass
class _Token:
    op: str | None
    word: Word | None = None


class _Scanner:
    def __init__(self, text: str) -> None:
        self.text = text
        self.i = 0
        self.tokens: list[_Token] = []
        self.buf: list[str] = []
        self.subst: list[Cmd] = []
        self.in_word = False

    def flush(self) -> None:
        if self.in_word:
            self.tokens.append(_Token(None, Word("".join(self.buf), self.subst)))
        self.buf, self.subst, self.in_word = [], [], False

    def _closing(self, start: int, open_ch: str, close_ch: str) -> int:
        """Index of the bracket closing the one at `start`, skipping quoted text."""
        depth, j, n = 0, start, len(self.text)
        while j < n:
            ch = self.text[j]
            if ch == "\\":
                j += 2
                continue
            if ch == "'":
                end = self.text.find("'", j + 1)
                j = n if end < 0 else end + 1
                continue
            if ch == open_ch:
                depth += 1
            elif ch == close_ch:
                depth -= 1
                if depth == 0:
                    return j
            j += 1
        return n

    def _substitution(self, inner: str) -> None:
        self.subst.extend(parse(inner).commands)

    def _dollar(self) -> None:
        text, i = self.text, self.i
        end = self._closing(i + 1, "(", ")")
        inner = text[i + 2 : end]
        if not inner.startswith("("):  # $(( … )) is arithmetic, not a command
            self._substitution(inner)
        self.buf.append(text[i : end + 1])
        self.i = end + 1

    def _backtick(self) -> None:
        end = self.text.find("`", self.i + 1)
        end = len(self.text) if end < 0 else end
        self._substitution(self.text[self.i + 1 : end])
        self.buf.append(self.text[self.i : end + 1])
        self.i = end + 1

    def _double(self) -> None:
        self.i += 1
        while self.i < len(self.text) and self.text[self.i] != '"':
            ch = self.text[self.i]
            if ch == "\\" and self.i + 1 < len(self.text):
                self.buf.append(self.text[self.i + 1])
                self.i += 2
            elif self.text.startswith("$(", self.i):
                self._dollar()
            elif ch == "`":
                self._backtick()
            else:
                self.buf.append(ch)
                self.i += 1
        self.i += 1

    def run(self) -> list[_Token]:
        text, n = self.text, len(self.text)
        while self.i < n:
            ch = text[self.i]
            if ch in " \t":
                self.flush()
                self.i += 1
            elif ch == "\n":
                self.flush()
                self.tokens.append(_Token(";"))
                self.i += 1
            elif ch == "#" and not self.in_word:
                end = text.find("\n", self.i)
                self.i = n if end < 0 else end
            elif ch == "\\":
                if text[self.i + 1 : self.i + 2] != "\n":
                    self.buf.append(text[self.i + 1 : self.i + 2])
                    self.in_word = True
                self.i += 2
            elif ch == "'":
                end = text.find("'", self.i + 1)
                end = n if end < 0 else end
                self.buf.append(text[self.i + 1 : end])
                self.in_word = True
                self.i = end + 1
            elif ch == '"':
                self.in_word = True
                self._double()
            elif text.startswith("$(", self.i):
                self.in_word = True
                self._dollar()
            elif ch == "`":
                self.in_word = True
                self._backtick()
            elif ch in "<>" and text[self.i + 1 : self.i + 2] == "(":
                end = self._closing(self.i + 1, "(", ")")
                self._substitution(text[self.i + 2 : end])
                self.buf.append(text[self.i : end + 1])
                self.in_word = True
                self.i = end + 1
            elif ch in "|&;()<>":
                self._operator()
            else:
                self.buf.append(ch)
                self.in_word = True
                self.i += 1
        self.flush()
        return self.tokens

    def _operator(self) -> None:
        if self.text[self.i] in "<>" and self.in_word and "".join(self.buf).isdigit():
            self.buf, self.in_word = [], False  # "2>" : the digits name a descriptor
        self.flush()
        for op in _OPERATORS:
            if self.text.startswith(op, self.i):
                self.tokens.append(_Token(op))
                self.i += len(op)
                return


def _fallback(text: str) -> Parsed:
    tokens = _Scanner(text).run()
    commands: list[Cmd] = []
    assigned: dict[str, str | None] = {}
    last: Cmd | None = None  # the command piping into the next one, if a pipe follows
    cmd = Cmd()
    expect_target: str | None = None

    def finish(piped: bool) -> None:
        nonlocal cmd, last
        if cmd.words or cmd.redirects or cmd.assignments:
            commands.append(cmd)
            last = cmd if piped else None
        elif not piped:
            last = None
        cmd = Cmd(prev=last)

    for tok in tokens:
        if tok.op is None and tok.word is not None:
            if expect_target is not None:
                cmd.redirects.append((expect_target, tok.word))
                expect_target = None
                continue
            text = tok.word.text
            if not cmd.words and "=" in text and text.split("=", 1)[0].isidentifier():
                name, value = text.split("=", 1)
                cmd.assignments[name] = value
                assigned[name] = value
                continue
            if not cmd.words and text in _KEYWORDS:
                continue
            if cmd.words and cmd.words[0].text == "for" and len(cmd.words) == 1:
                assigned[text] = None
            cmd.words.append(tok.word)
        elif tok.op in _REDIRECTS:
            expect_target = tok.op
        else:
            expect_target = None
            finish(piped=tok.op in ("|", "|&"))
    finish(piped=False)
    return Parsed(commands, assigned, {}, exact=False)
