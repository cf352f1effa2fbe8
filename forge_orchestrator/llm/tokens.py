"""Offline token counts: tiktoken-identical BPE for OpenAI models, labelled estimates otherwise."""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from typing import Any, Literal

import quicktok

from ..text_safety import well_formed
from .types import ChatMessage

Method = Literal["exact", "estimate"]

# Claude 4.7 and later count about 30% more tokens than o200k_base for the same text.
CLAUDE_NEW_MULTIPLIER = 1.3
_CL100K_MODELS = re.compile(r"^(gpt-4(?!o|\.\d)|gpt-3\.5|text-embedding-(ada|3)|davinci|babbage)")
_OPENAI_MODELS = re.compile(r"^(gpt-|o\d|chatgpt-|text-embedding-)")
_CLAUDE_VERSION = re.compile(r"^claude-(?:[a-z]+-)?(\d+)(?:[-.](\d{1,2}))?(?:-|$)")
_CLAUDE_OLD_STYLE = re.compile(r"^claude-(\d)-(\d)?")
# Chat framing per message and for the reply primer (OpenAI's published counting recipe).
MESSAGE_OVERHEAD = 3
REPLY_PRIMER = 3


@dataclass(frozen=True)
class TokenCount:
    tokens: int
    encoding: str
    method: Method
    multiplier: float = 1.0


_encodings: dict[str, Any] = {}
_load_lock = threading.Lock()


def _encoding(name: str) -> Any:
    enc = _encodings.get(name)
    if enc is None:
        # Loading takes seconds of CPU: once per process, never twice in parallel.
        with _load_lock:
            enc = _encodings.get(name)
            if enc is None:
                enc = _encodings[name] = quicktok.get_encoding(name)
    return enc


def warm_up() -> None:
    """Load the default encoding ahead of the first request (run in a background thread)."""
    _encoding("o200k_base")


def encoding_for(model: str | None) -> tuple[str, Method, float]:
    """(encoding name, exact|estimate, multiplier) used to count tokens for ``model``."""
    name = (model or "").lower()
    if _CL100K_MODELS.match(name):
        return "cl100k_base", "exact", 1.0
    if _OPENAI_MODELS.match(name):
        return "o200k_base", "exact", 1.0
    if name.startswith("claude"):
        return "o200k_base", "estimate", _claude_multiplier(name)
    return "o200k_base", "estimate", 1.0


def _claude_multiplier(name: str) -> float:
    if _CLAUDE_OLD_STYLE.match(name):  # claude-3-5-haiku and the like
        return 1.0
    m = _CLAUDE_VERSION.match(name)
    if not m:
        return CLAUDE_NEW_MULTIPLIER
    major = int(m.group(1))
    minor = int(m.group(2)) if m.group(2) else 0
    return CLAUDE_NEW_MULTIPLIER if (major, minor) >= (4, 7) else 1.0


def count_text(text: str, model: str | None = None) -> TokenCount:
    """Tokens of ``text``; a lone surrogate (untrusted provider output) counts as U+FFFD."""
    enc_name, method, mult = encoding_for(model)
    raw = len(_encoding(enc_name).encode_ordinary(well_formed(text))) if text else 0
    tokens = raw if mult == 1.0 else round(raw * mult)
    return TokenCount(tokens, enc_name, method, mult)


def count_messages(messages: list[ChatMessage], system: str | None, model: str | None) -> int:
    """Prompt tokens of a chat request, including per-message framing."""
    total = REPLY_PRIMER
    if system:
        total += MESSAGE_OVERHEAD + count_text(system, model).tokens
    for msg in messages:
        total += MESSAGE_OVERHEAD + count_text(msg.content, model).tokens
    return total
