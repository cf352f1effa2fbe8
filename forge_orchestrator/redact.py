"""One function that removes secrets from any text: stored values and well-known key shapes."""

from __future__ import annotations

import re
from collections.abc import Iterable

MASK = "[REDACTED]"

# Shapes of credentials that must never leave the process, whether or not we stored them.
KEY_PATTERNS = [
    re.compile(r"sk-ant-[A-Za-z0-9_\-]{8,}"),
    re.compile(r"sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_\-]{16,}"),
    re.compile(r"(?i)(bearer\s+)[A-Za-z0-9._~+/\-]{12,}=*"),
    re.compile(
        r"(?i)((?:api[_-]?key|x-api-key|authorization|token)[\"']?\s*[:=]\s*[\"']?)[^\s\"',;]{8,}"
    ),
    re.compile(r"gh[pousr]_[A-Za-z0-9]{20,}"),
    re.compile(r"AKIA[0-9A-Z]{16}"),
]
MIN_SECRET_LENGTH = 4


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """Replace every given secret value and every known key shape in ``text`` with a mask."""
    if not text:
        return text
    # Longest first, so a secret that contains another is masked whole.
    for value in sorted(
        {s for s in secrets if s and len(s) >= MIN_SECRET_LENGTH}, key=len, reverse=True
    ):
        text = text.replace(value, MASK)
    for pattern in KEY_PATTERNS:
        text = pattern.sub(lambda m: (m.group(1) if m.groups() else "") + MASK, text)
    return text
