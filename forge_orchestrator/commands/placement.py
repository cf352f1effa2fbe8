"""Where each `{{placeholder}}` sits in the shell syntax, as tree-sitter-bash parses the command.

Each placeholder is replaced by a unique identifier-like sentinel and the text is parsed; the
sentinel's innermost quoting construct (word, "…", '…', $'…', ${…}, here-document, comment) says
which environment reference bash expands to exactly the value there. Parsing only chooses the
*form* of a reference: whatever the parse, a value reaches bash as a parameter expansion, which
bash never reads as code. Arithmetic and nested interpreters are what can; nested.py finds those.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

import tree_sitter_bash
from tree_sitter import Language, Node, Parser, Tree

Context = Literal["word", "dq", "sq", "ansi", "brace", "heredoc", "raw_heredoc", "comment"]

_LANGUAGE = Language(tree_sitter_bash.language())
# A fresh substitution or subshell starts a new quoting context.
_FRESH = {"command_substitution", "process_substitution"}
_ARITH = {"arithmetic_expansion", "subscript", "compound_statement"}


@dataclass(frozen=True)
class Slot:
    """One placeholder occurrence: its span in the template and the syntax around it."""

    name: str
    start: int
    end: int
    context: Context
    arithmetic: bool  # the text is evaluated as an arithmetic expression (can run code)
    byte_start: int  # of the sentinel in Parsed.source
    byte_end: int


@dataclass(frozen=True)
class Parsed:
    source: bytes  # the command with sentinels in place of placeholders
    tree: Tree
    slots: list[Slot]

    @property
    def has_error(self) -> bool:
        return bool(self.tree.root_node.has_error)

    def node_at(self, slot: Slot) -> Node:
        node = self.tree.root_node.descendant_for_byte_range(slot.byte_start, slot.byte_end)
        assert node is not None  # the root covers every byte
        return node


def _sentinel_stem(text: str) -> str:
    stem = "Zforgeph"
    while stem in text:
        stem += "q"
    return stem


def parse(command: str, pattern: re.Pattern[str]) -> Parsed:
    """Parse `command` with each `pattern` match (group 1 = name) standing in as a sentinel."""
    stem = _sentinel_stem(command)
    pieces: list[bytes] = []
    spans: list[tuple[str, int, int, int, int]] = []
    last = 0
    size = 0
    for i, match in enumerate(pattern.finditer(command)):
        before = command[last : match.start()].encode()
        pieces.append(before)
        size += len(before)
        sentinel = f"{stem}{i}Z".encode()
        spans.append((match.group(1), match.start(), match.end(), size, size + len(sentinel)))
        pieces.append(sentinel)
        size += len(sentinel)
        last = match.end()
    pieces.append(command[last:].encode())
    source = b"".join(pieces)
    tree = Parser(_LANGUAGE).parse(source)
    slots = [
        Slot(name, start, end, *_context(tree, source, bstart, bend), bstart, bend)
        for name, start, end, bstart, bend in spans
    ]
    return Parsed(source, tree, slots)


def heredoc_quoted(redirect: Node, source: bytes) -> bool:
    """True when the here-document's delimiter is quoted, so its body is not expanded."""
    for child in redirect.children:
        if child.type == "heredoc_start":
            return any(q in source[child.start_byte : child.end_byte] for q in (b"'", b'"', b"\\"))
    return False


def _context(tree: Tree, source: bytes, start: int, end: int) -> tuple[Context, bool]:
    node: Node | None = tree.root_node.descendant_for_byte_range(start, end)
    context: Context | None = None
    arithmetic = False
    while node is not None:
        kind = node.type
        if kind in _ARITH and (kind != "compound_statement" or _is_double_paren(node)):
            arithmetic = True
        if context is None:
            context = _form(node, source)
        node = node.parent
    return context or "word", arithmetic


def _form(node: Node, source: bytes) -> Context | None:
    """The context this node imposes on a placeholder inside it, None when it imposes none."""
    kind = node.type
    if kind in _FRESH:
        return "word"
    if kind == "comment":
        return "comment"
    if kind == "raw_string":
        return "sq"
    if kind == "ansi_c_string":
        return "ansi"
    if kind in ("string", "translated_string"):
        return "dq"
    if kind == "expansion":
        return "brace"
    if kind == "heredoc_body" and node.parent is not None:
        return "raw_heredoc" if heredoc_quoted(node.parent, source) else "heredoc"
    return None


def _is_double_paren(node: Node) -> bool:
    first = node.child(0)
    return first is not None and first.type == "(("


def outer_context(parsed: Parsed, slot: Slot) -> Context:
    """For a placeholder in ${…}: the context around that expansion (decides its quoting)."""
    node: Node | None = parsed.node_at(slot)
    while node is not None and node.type != "expansion":
        node = node.parent
    node = node.parent if node is not None else None
    while node is not None:
        form = _form(node, parsed.source)
        if form is not None:
            return form
        node = node.parent
    return "word"
