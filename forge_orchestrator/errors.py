"""AppError and its subclasses; one place maps every error to the one JSON shape."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from pydantic import ValidationError as PydanticValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException


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


class Unauthorized(AppError):
    status_code = 401
    code = "unauthorized"


class Forbidden(AppError):
    status_code = 403
    code = "forbidden"


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
        return error_response(exc.status_code, exc.code, exc.message, exc.details)

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
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(PydanticValidationError, on_model_validation)
    app.add_exception_handler(OverflowError, on_overflow)
    app.add_exception_handler(StarletteHTTPException, on_http)
    app.add_exception_handler(Exception, on_unexpected)
