"""Edge limits on request bodies: JSON nested deeper than MAX_JSON_DEPTH, or text holding U+0000,
is refused before routing.

pydantic refuses to parse JSON nested past about 200 levels and to serialize past about 255, so a
body nested 500 deep used to be stored and then break every read of it (GET /api/commands,
export). No Forge shape needs more than a dozen levels; 64 leaves room for free-form JSON
(a card's `explanation`, flow node data) and stays far from those limits.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any, TypeVar

from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, TypeAdapter, ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Receive, Scope, Send

from .errors import PayloadTooLarge, error_response
from .security import _replay

M = TypeVar("M", bound=BaseModel)
T = TypeVar("T")

MAX_JSON_DEPTH = 64
# Bodies above this are scanned in a worker thread: a 5 MB body takes a few tens of ms.
_THREAD_BYTES = 64 * 1024
_BATCH = 100  # entries validated per pydantic call in parse_body
_BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")
_STEP = bytes.maketrans(b"[{]}", b"\x01\x01\xff\xff")  # +1 / -1 as signed bytes
_PAIR = b"\x01\xff"


def value_depth(value: Any) -> int:
    """Nesting depth of a parsed JSON value: 0 for a scalar, 1 for a flat list or object."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        children = item.values() if isinstance(item, dict) else item
        if isinstance(item, dict | list):
            deepest = max(deepest, depth)
            stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return deepest


def _brackets(body: bytes) -> bytes:
    """The brackets of ``body`` outside JSON strings, as +1/-1 bytes (C-speed bytes methods).

    Inside a string a backslash always starts a two-character escape, so dropping ``\\\\``
    pairs left to right and then ``\\"`` leaves only the quotes that open and close strings.
    """
    unescaped = body.replace(b"\\\\", b"").replace(b'\\"', b"")
    outside = b"".join(unescaped.split(b'"')[::2])
    return outside.translate(None, _NOT_BRACKETS).translate(_STEP)


def deeper_than(body: bytes, limit: int) -> bool:
    """True when arrays and objects in ``body`` nest more than ``limit`` levels deep.

    Each ``replace`` pass removes every innermost ``[]``/``{}`` pair, lowering the depth by one,
    so ``limit`` passes decide it without a Python-level step per bracket.
    """
    if body.count(b"[") + body.count(b"{") <= limit:
        return False
    steps = _brackets(body)
    for passes in range(limit):
        shorter = steps.replace(_PAIR, b"")
        if len(shorter) == len(steps):
            # No pair left: only closers then openers (unbalanced JSON the parser will refuse).
            return passes + steps.count(b"\x01") - steps.count(b"\xff") > limit
        steps = shorter
    return _PAIR in steps


# A JSON string escape for U+0000: "\u0000" after an even run of backslashes (an odd run before
# "u0000" would be a literal backslash followed by the text "u0000").
_NUL_ESCAPE = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000")


def has_nul(body: bytes, query: bytes = b"") -> bool:
    """True when a JSON body or a query string carries the character U+0000.

    PostgreSQL cannot store it in text (SQLite can): refused at the edge on both backends, so a
    name or prompt behaves the same everywhere and nothing (a provider call) runs first.
    """
    if b"%00" in query:
        return True
    return b"u0000" in body and _NUL_ESCAPE.search(body) is not None


def _nul_refused() -> Any:
    return error_response(
        422,
        "text_has_nul",
        "The request carries the character U+0000 (NUL), which no text field may hold; "
        "nothing was stored or started.",
        None,
    )


async def _read_all(receive: Receive) -> bytes:
    chunks: list[bytes] = []
    while True:
        message = await receive()
        chunks.append(message.get("body", b""))
        if message["type"] != "http.request" or not message.get("more_body", False):
            return b"".join(chunks)


class JsonDepthLimit:
    """ASGI middleware: a body nested deeper than ``max_depth`` gets 422 and reaches no route.

    Installed inside SecurityMiddleware, so the body is already bounded by max_body_bytes and
    the caller authenticated before it is read.
    """

    def __init__(self, app: ASGIApp, max_depth: int = MAX_JSON_DEPTH) -> None:
        self.app = app
        self.max_depth = max_depth

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if scope["method"] not in _BODY_METHODS:
            if has_nul(b"", scope.get("query_string", b"")):
                await _nul_refused()(scope, receive, send)
                return
            await self.app(scope, receive, send)
            return
        body = await _read_all(receive)
        if has_nul(body, scope.get("query_string", b"")):
            await _nul_refused()(scope, receive, send)
            return
        if len(body) > _THREAD_BYTES:
            too_deep = await run_in_threadpool(deeper_than, body, self.max_depth)
        else:
            too_deep = deeper_than(body, self.max_depth)
        if too_deep:
            response = error_response(
                422,
                "json_too_deep",
                f"The request's JSON nests arrays and objects more than {self.max_depth} "
                "levels deep; nothing was stored.",
                {"max_depth": self.max_depth},
            )
            await response(scope, receive, send)
            return
        await self.app(scope, _replay(body, receive), send)


def _is_json(content_type: str | None) -> bool:
    if not content_type:
        return True  # as FastAPI: a body without a type is read as JSON
    subtype = content_type.split(";", 1)[0].strip().lower().rpartition("/")[2]
    return subtype == "json" or subtype.endswith("+json")


def parse_body(
    raw: bytes, content_type: str | None, model: type[M], *, items: str, max_items: int
) -> M:
    """Parse and validate a JSON body whose list ``items`` holds at most ``max_items`` entries.

    For bulk routes (imports): call it in a worker thread, since validating thousands of
    entries takes seconds that the event loop must not wait for. Errors keep the shape FastAPI
    gives a declared body (422 with ``body.…`` locations, malformed JSON included), plus 413
    for too many entries, counted before any of them is validated.
    """
    if not raw:
        raise RequestValidationError(
            [{"type": "missing", "loc": ("body",), "msg": "Field required"}]
        )
    if not _is_json(content_type):
        # Only JSON is read, so a cross-site "simple" text/plain POST can never be an import.
        msg = "Input should be a valid dictionary or object to extract fields from"
        refusal = {"type": "model_attributes_type", "loc": ("body",), "msg": msg}
        raise RequestValidationError([refusal])
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError) as exc:
        at = exc.pos if isinstance(exc, json.JSONDecodeError) else 0
        error = {"type": "json_invalid", "loc": ("body", at), "msg": "JSON decode error"}
        raise RequestValidationError([error]) from None
    entries = data.get(items) if isinstance(data, dict) else None
    if isinstance(entries, list) and len(entries) > max_items:
        raise PayloadTooLarge(
            f"The file holds {len(entries)} {items}; one import takes at most {max_items}. "
            "Split it into smaller files; nothing was stored.",
            details={"items": len(entries), "max_items": max_items},
        )
    if not isinstance(entries, list):
        return _validated(model.model_validate, data, ())
    # One pydantic call holds the GIL for all of its input, so the entries are validated a
    # batch at a time: between batches the event loop's thread gets to run.
    envelope = _validated(model.model_validate, {**data, items: []}, ())
    adapter: TypeAdapter[list[Any]] = TypeAdapter(model.model_fields[items].annotation or Any)
    validated: list[Any] = []
    for start in range(0, len(entries), _BATCH):
        batch = entries[start : start + _BATCH]
        validated += _validated(adapter.validate_python, batch, (items,), offset=start)
    return envelope.model_copy(update={items: validated})


def _validated(
    validate: Callable[[Any], T], data: Any, where: tuple[str, ...], offset: int = 0
) -> T:
    """``validate(data)``, its errors located as FastAPI locates a body's (``body.…``)."""
    try:
        return validate(data)
    except ValidationError as exc:
        errors = []
        for e in exc.errors(include_url=False):
            loc = list(e["loc"])
            if where and loc and isinstance(loc[0], int):
                loc[0] += offset  # the batch's index back to the index in the whole list
            errors.append({**e, "loc": ("body", *where, *loc)})
        raise RequestValidationError(errors) from None
