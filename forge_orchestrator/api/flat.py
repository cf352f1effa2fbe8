"""Routers added to the app as one flat route list: FastAPI 0.163 matches nested routers with
per-candidate scope bookkeeping, which was ~80 % of a request to /api/health (profiled)."""

from __future__ import annotations

import functools
from typing import Any

from fastapi import APIRouter
from fastapi.routing import APIRoute, APIWebSocketRoute
from fastapi.utils import create_model_field
from starlette.routing import Match
from starlette.types import Scope

# What a route declared on its router keeps when it is added again with a longer path.
_COPIED = (
    "response_model", "status_code", "tags", "dependencies", "summary", "description",
    "response_description", "deprecated", "methods", "operation_id",
    "response_model_include", "response_model_exclude", "response_model_by_alias",
    "response_model_exclude_unset", "response_model_exclude_defaults",
    "response_model_exclude_none", "include_in_schema", "response_class", "name", "callbacks",
    "openapi_extra", "generate_unique_id_function",
)  # fmt: skip


class PrefixRoute(APIRoute):
    """An APIRoute that rejects a path lacking its literal start before any regex or scope work:
    a request is tried against every route before its own, ~60 for the last ones."""

    def __init__(self, path: str, *args: Any, **kwargs: Any) -> None:
        super().__init__(path, *args, **kwargs)
        self.literal_start = path.split("{", 1)[0]

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        # Under a root_path the path is compared after it; leave that case to the full match.
        if not scope.get("root_path") and not scope["path"].startswith(self.literal_start):
            return Match.NONE, {}
        return super().matches(scope)


def add_flat(
    target: APIRouter, source: APIRouter, *, prefix: str, responses: dict[int | str, Any]
) -> None:
    """Add `source`'s routes to `target` under `prefix`, as `include_router` would declare
    them (the shared `responses` first, the route's own on top), but without nesting."""
    # The shared responses go in without their model, and every route gets the same field for
    # each: FastAPI would build one per route and status, the same ErrorResponse type adapter
    # ~1,000 times over (~0.2 s of start-up), for an OpenAPI schema that comes out the same.
    bare = {code: {k: v for k, v in r.items() if k != "model"} for code, r in responses.items()}
    for route in source.routes:
        if isinstance(route, APIRoute):
            kwargs = {name: getattr(route, name) for name in _COPIED}
            own = route.responses
            target.add_api_route(
                prefix + route.path,
                route.endpoint,
                responses={**bare, **own},
                route_class_override=PrefixRoute,
                **kwargs,
            )
            added = target.routes[-1]
            assert isinstance(added, PrefixRoute)
            for code, response in responses.items():
                if code not in own and "model" in response:
                    added.responses[code] = response
                    added.response_fields[code] = _response_field(code, response["model"])
        elif isinstance(route, APIWebSocketRoute):
            target.add_api_websocket_route(
                prefix + route.path,
                route.endpoint,
                name=route.name,
                dependencies=route.dependencies,
            )
        else:  # a router nested deeper, or a Starlette route: nothing of the kind today
            raise TypeError(f"cannot flatten {type(route).__name__} of {source.prefix!r}")


@functools.cache
def _response_field(code: int | str, model: Any) -> Any:
    return create_model_field(name=f"Response_{code}", type_=model, mode="serialization")
