"""Keeps credentials out of logs: ticket, code and token query values in uvicorn's lines."""

from __future__ import annotations

import logging
import re
from urllib.parse import unquote

SECRET_PARAMS = frozenset({"ticket", "code", "token"})
_PARAM_RE = re.compile(r"([?&])([^=&\s\"']*)=([^&\s\"'#]*)")
LOGGERS = ("uvicorn.access", "uvicorn.error")


def redact_query(text: str) -> str:
    """'/ws?ticket=abc&x=1' -> '/ws?ticket=[redacted]&x=1'; also '?tok%65n=' and friends."""

    def repl(match: re.Match[str]) -> str:
        if unquote(match.group(2)).strip().lower() in SECRET_PARAMS:
            return f"{match.group(1)}{match.group(2)}=[redacted]"
        return match.group(0)

    return _PARAM_RE.sub(repl, text)


class RedactCredentials(logging.Filter):
    """Rewrites the message and its string arguments before any handler formats them."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact_query(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(redact_query(a) if isinstance(a, str) else a for a in record.args)
        return True


def install_log_redaction() -> None:
    """Idempotent: one filter per uvicorn logger, whoever configures the handlers later."""
    for name in LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactCredentials) for f in logger.filters):
            logger.addFilter(RedactCredentials())
