"""AppError and its subclasses; one place maps every error to the one JSON shape."""

from __future__ import annotations

import errno
import logging
import sqlite3
from typing import Any, Literal

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from pydantic import ValidationError as PydanticValidationError
from sqlalchemy.exc import DBAPIError
from starlette.exceptions import HTTPException as StarletteHTTPException

log = logging.getLogger("forge_orchestrator.errors")


class ErrorInfo(BaseModel):
    code: str
    message: str
    details: Any = None


class ErrorResponse(BaseModel):
    """The one error shape, documented so clients (and schema checks) know every status."""

    error: ErrorInfo


# Documented on every API route: any of them can meet these (auth, bad input, missing records,
# provider trouble for the routes that reach an LLM). Routes add their own, more specific text.
COMMON_ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorResponse, "description": text}
    for code, text in {
        400: "Malformed request body.",
        401: "Missing or invalid access token.",
        402: "A hard budget would be exceeded.",
        403: "Refused: foreign Host or cross-site request.",
        404: "No such record or route.",
        409: "Conflict with the current state (stale version, confirmation needed, finished run).",
        413: "Request body too large.",
        422: "Invalid input.",
        424: "A provider or secret this needs is not configured.",
        502: "The LLM provider failed or could not be reached.",
        503: "The database cannot take writes now (database_busy, disk_full); nothing started.",
        504: "The LLM provider timed out.",
    }.items()
}


class AppError(Exception):
    """A failure the user can understand; rendered as {"error": {code, message, details}}."""

    status_code = 400
    code = "bad_request"

    def __init__(self, message: str, *, details: Any = None, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details
        if code is not None:
            self.code = code


class ValidationFailed(AppError):
    status_code = 422
    code = "validation_failed"


class NotFound(AppError):
    status_code = 404
    code = "not_found"


class Conflict(AppError):
    status_code = 409
    code = "conflict"


class PayloadTooLarge(AppError):
    status_code = 413
    code = "payload_too_large"


class BudgetExceeded(AppError):
    status_code = 402
    code = "budget_exceeded"


class NotConfigured(AppError):
    """A provider or secret the request needs has not been set up yet."""

    status_code = 424
    code = "not_configured"


class ProviderError(AppError):
    """An LLM provider failed; the message is the provider's (redacted), never a key."""

    status_code = 502
    code = "provider_error"


class ProviderTimeout(ProviderError):
    status_code = 504
    code = "provider_timeout"


class DatabaseUnavailable(AppError):
    """The database cannot do the work right now; nothing whose record was refused started."""

    status_code = 503
    code = "database_unavailable"


class DatabaseBusy(DatabaseUnavailable):
    code = "database_busy"


class DiskFull(DatabaseUnavailable):
    code = "disk_full"


class DatabaseCorrupt(DatabaseUnavailable):
    code = "database_corrupt"


FaultKind = Literal["busy", "full", "corrupt"]
# SQLite primary result codes (the low byte of the extended ones).
_SQLITE_KINDS: dict[int, FaultKind] = {
    5: "busy",  # SQLITE_BUSY
    6: "busy",  # SQLITE_LOCKED
    11: "corrupt",  # SQLITE_CORRUPT
    13: "full",  # SQLITE_FULL
    26: "corrupt",  # SQLITE_NOTADB
}
_TEXT_KINDS: tuple[tuple[str, FaultKind], ...] = (
    ("database is locked", "busy"),
    ("database table is locked", "busy"),
    ("database is busy", "busy"),
    ("database or disk is full", "full"),
    ("no space left on device", "full"),
    ("disk quota exceeded", "full"),
    ("file is not a database", "corrupt"),
    ("database disk image is malformed", "corrupt"),
)


def database_fault_kind(exc: BaseException) -> FaultKind | None:
    """Whether ``exc`` means the database is locked, full or damaged (else None).

    ``exc`` may be SQLAlchemy's wrapper, the driver's own error, or an OSError from the disk."""
    orig: BaseException = getattr(exc, "orig", None) or exc
    if isinstance(orig, OSError):
        return "full" if orig.errno in (errno.ENOSPC, errno.EDQUOT) else None
    if not isinstance(orig, sqlite3.Error | DBAPIError):
        return None
    code = getattr(orig, "sqlite_errorcode", None)
    if isinstance(code, int) and code & 0xFF in _SQLITE_KINDS:
        return _SQLITE_KINDS[code & 0xFF]
    text = str(orig).lower()
    return next((kind for needle, kind in _TEXT_KINDS if needle in text), None)


def database_fault(exc: BaseException, path: str | None = None) -> DatabaseUnavailable | None:
    """The user-facing error for a locked, full or damaged database; None for anything else."""
    kind = database_fault_kind(exc)
    where = path or "the database file"
    details = {"path": path, "retry": kind != "corrupt"}
    if kind == "busy":
        return DatabaseBusy(
            f"Another program holds the write lock on {where}, so nothing was saved or started. "
            "Retry in a moment, or close the program that has the database open "
            "(a second Forge, a sqlite3 shell, a backup tool).",
            details=details,
        )
    if kind == "full":
        return DiskFull(
            f"The disk holding {where} is full, so nothing was saved or started. "
            "Free some space on that disk, then retry.",
            details=details,
        )
    if kind == "corrupt":
        return DatabaseCorrupt(
            f"{where} is damaged. Stop Forge and run `forge-orchestrator db check`; "
            "it says how to restore the last good copy.",
            details=details,
        )
    return None


def error_body(code: str, message: str, details: Any = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "details": details}}


def error_response(status: int, code: str, message: str, details: Any = None) -> JSONResponse:
    return JSONResponse(error_body(code, message, details), status_code=status)


_HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_failed",
    429: "too_many_requests",
}


def _validation_details(
    exc: RequestValidationError | PydanticValidationError,
) -> list[dict[str, Any]]:
    out = []
    for err in exc.errors():
        # Input values are dropped: they may hold secrets and can be huge.
        out.append(
            {
                "loc": list(err.get("loc", ())),
                "msg": err.get("msg", ""),
                "type": err.get("type", ""),
            }
        )
    return out


def install_error_handlers(app: FastAPI) -> None:
    async def on_app_error(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, AppError)
        response = error_response(exc.status_code, exc.code, exc.message, exc.details)
        if isinstance(exc, DatabaseUnavailable) and exc.code != "database_corrupt":
            response.headers["Retry-After"] = "1"
        return response

    async def on_database(request: Request, exc: Exception) -> JSONResponse:
        # A locked, full or damaged database reaches here from any route: the one mapping.
        engine = getattr(request.app.state, "engine", None)
        path = engine.url.database if engine is not None else None
        fault = database_fault(exc, path)
        if fault is None:
            # Handled here, so not logged by Starlette's last-resort handler: log it ourselves.
            log.error("unexpected error on %s", request.url.path, exc_info=exc)
            return await on_unexpected(request, exc)
        log.warning("%s: %s", fault.code, exc)
        return await on_app_error(request, fault)

    async def on_validation(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        details = _validation_details(exc)
        first = details[0] if details else {"loc": [], "msg": "invalid request"}
        where = ".".join(str(p) for p in first["loc"] if p != "body") or "request"
        return error_response(422, "validation_failed", f"{where}: {first['msg']}", details)

    async def on_model_validation(_: Request, exc: Exception) -> JSONResponse:
        # Domain code that merges user input into a model (a partial update, say) validates
        # again; a failure there is still the user's input, so it is a 422, never a 500.
        assert isinstance(exc, PydanticValidationError)
        details = _validation_details(exc)
        first = details[0] if details else {"loc": [], "msg": "invalid value"}
        where = ".".join(str(p) for p in first["loc"]) or "request"
        return error_response(422, "validation_failed", f"{where}: {first['msg']}", details)

    async def on_overflow(_: Request, exc: Exception) -> JSONResponse:
        # Only an integer too large for the database gets here (an id like 10**30).
        return error_response(422, "validation_failed", "A number in the request is out of range.")

    async def on_http(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, StarletteHTTPException)
        code = _HTTP_CODES.get(exc.status_code, "error")
        message = exc.detail if isinstance(exc.detail, str) else code.replace("_", " ")
        return error_response(exc.status_code, code, message, None)

    async def on_unexpected(_: Request, exc: Exception) -> JSONResponse:
        return error_response(500, "internal_error", "Unexpected server error; see the server log.")

    app.add_exception_handler(AppError, on_app_error)
    for database_error in (DBAPIError, sqlite3.Error, OSError):
        app.add_exception_handler(database_error, on_database)
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(PydanticValidationError, on_model_validation)
    app.add_exception_handler(OverflowError, on_overflow)
    app.add_exception_handler(StarletteHTTPException, on_http)
    app.add_exception_handler(Exception, on_unexpected)
