"""A model's conversational filler ("Sure! Here is the command:") and short card names."""

from __future__ import annotations

import re

# "Sure!", "Certainly,", "Great question." opening a sentence: filler before the content.
_INTERJECTION = re.compile(
    r"^(?:sure(?: thing)?|certainly|of course|absolutely|okay|ok|alright|all right|yes|great"
    r"(?: question)?|good question|no problem|happy to help|glad to help)\b[!,.:;\s-]*",
    re.I,
)
# Sentences that introduce, offer or sign off, and say nothing about the command itself.
_FILLER = re.compile(
    r"^(?:here(?:'s| is| are| you go)\b"
    r"|below (?:is|are)\b"
    r"|(?:you can|you could|just|simply)?\s*(?:try|run|use|execute)(?: this| the following)\b"
    r"|the following (?:command|one-liner|snippet)\b"
    r"|i(?:'d| would| can|'ll| will)? (?:be )?(?:happy|glad) to help\b"
    r"|i can help\b"
    r"|let me know\b|hope (?:this|that|it) helps\b|i hope\b|feel free\b|happy (?:coding|hacking)\b"
    r"|good luck\b|if you (?:have|need|want|'d like|would like)\b)",
    re.I,
)
# "Here is a command that removes old logs." carries content after its filler: "Removes old logs."
_INTRO_THAT = re.compile(
    r"^(?:here(?:'s| is)|below is|this is|use|try)\s+(?:a|an|the|this)?\s*(?:\w+\s+)?"
    r"(?:command|one-liner|pipeline|snippet)\s+(?:that|which|to)\s+(?P<rest>.+[^:])$",
    re.I,
)
_SENTENCE_END = re.compile(r"(?<=[.!?:])\s+")
# Request boilerplate at the start of a prompt: what is left is what the command does.
_ASK = re.compile(
    r"^(?:(?:hey|hi|hello|please|pls|so|ok|okay)\b[,!.]?\s*)*"
    r"(?:(?:can|could|would|will) you\s+(?:please\s+)?)?"
    r"(?:i (?:want|need|would like|'d like) to\s+|how (?:do|can|would|should) i\s+|how to\s+"
    r"|help me\s+|show me how to\s+)?"
    r"(?:(?:give|write|show|make|generate|create|suggest)\s+(?:me\s+)?(?:a|an|the|one)?\s*"
    r"(?:shell|bash|zsh|fish|powershell|unix|linux)?\s*(?:command|one-liner|script|cmd)\s+"
    r"(?:(?:to|that|which|for)\s+)?)?",
    re.I,
)
NAME_CHARS = 60


def strip_chatter(text: str) -> str:
    """The text without filler sentences; what remains is what the model said about the task."""
    kept = []
    # Curly apostrophes (U+2019) are matched as straight ones.
    for sentence in _SENTENCE_END.split(" ".join(text.replace("\u2019", "'").split())):
        sentence = _INTERJECTION.sub("", sentence).strip()
        intro = _INTRO_THAT.match(sentence)
        if intro:
            sentence = _capitalised(intro.group("rest"))
        elif not sentence or _FILLER.match(sentence):
            continue
        # A sentence that only leads into the code block ("To do that, run:") is filler too.
        if sentence.endswith(":"):
            continue
        kept.append(sentence)
    return " ".join(kept)


def looks_chatty(text: str) -> bool:
    """Whether the text opens with filler (then :func:`strip_chatter` is worth applying)."""
    first = _SENTENCE_END.split(text.strip().replace("\u2019", "'"), maxsplit=1)[0]
    return bool(_INTERJECTION.match(first) or _FILLER.match(first) or first.endswith(":"))


def _shorten(text: str) -> str:
    text = " ".join(text.split()).strip(" .!?:;,")
    if len(text) <= NAME_CHARS:
        return text
    return text[: NAME_CHARS - 1].rsplit(" ", 1)[0].rstrip(" ,;:") + "…"


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def name_from_description(description: str) -> str:
    """The first sentence of a description as a name: "This command lists…" → "Lists…"."""
    first = _SENTENCE_END.split(description.strip(), maxsplit=1)[0]
    first = re.sub(
        r"^(?:this|the|that)\s+(?:command|one-liner|pipeline|script)\s+", "", first, flags=re.I
    )
    first = re.sub(r"^(?:this|it)\s+(?=\w+s\b)", "", first, flags=re.I)
    return _capitalised(_shorten(first))


def name_from_prompt(prompt: str) -> str:
    """A request turned into a name: "can you give me a command to find big files?" → "Find big
    files"."""
    text = " ".join(prompt.split())
    task = _ASK.sub("", text, count=1).strip() or text
    task = re.sub(r"[,\s]*(?:please|thanks|thank you)[.!]?$", "", task, flags=re.I)
    return _capitalised(_shorten(task))


def card_name(name: str, description: str, prompt: str) -> str:
    """The model's own name; else its description's first sentence; else the cleaned request."""
    for candidate in (name.strip(), name_from_description(description) if description else ""):
        if candidate:
            return _shorten(candidate) if len(candidate) > 120 else candidate
    return name_from_prompt(prompt) or "Command"
