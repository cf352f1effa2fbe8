"""Starts the keyring: `app.state.secrets`, and redaction of stored values from every log record."""

from __future__ import annotations

import logging
import threading
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI

from .factory import open_store
from .store import SecretStore

log = logging.getLogger(__name__)


def install_log_redaction(store: SecretStore) -> Callable[[], None]:
    """Redact every log record as it is created (handlers and propagation cannot skip it).

    Returns a function restoring the previous record factory."""
    previous = logging.getLogRecordFactory()
    busy = threading.local()

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        # Reading the store may log (SQL at DEBUG); those records are not redacted again.
        if getattr(busy, "active", False):
            return record
        busy.active = True
        try:
            message = record.getMessage()
            cleaned = store.redact(message)
            if cleaned != message:
                record.msg, record.args = cleaned, None
            if record.exc_info and record.exc_info[1] is not None:
                record.exc_text = store.redact(logging.Formatter().formatException(record.exc_info))
                record.exc_info = None
        except Exception:  # noqa: S110 - a malformed record is the logging module's problem
            pass
        finally:
            busy.active = False
        return record

    logging.setLogRecordFactory(factory)
    return lambda: logging.setLogRecordFactory(previous)


@asynccontextmanager
async def keyring_component(app: FastAPI) -> AsyncIterator[None]:
    store = open_store(app.state.settings, app.state.engine)
    app.state.secrets = store
    restore = install_log_redaction(store)
    log.info("secrets are stored in: %s", store.storage)
    try:
        yield
    finally:
        restore()
