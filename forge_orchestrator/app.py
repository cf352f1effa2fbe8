"""create_app(settings) -> FastAPI: security, errors, the API, the SPA and domain services."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager

from fastapi import FastAPI
from starlette.concurrency import run_in_threadpool

from . import __version__
from .api import build_api_router
from .api.health import fast_health_route
from .auth.logredact import install_log_redaction
from .auth.sessions import AuthState
from .auth.tokens import load_or_create_token, secure_data_dir
from .components import components
from .db.engine import make_engine
from .db.liveness import Liveness
from .db.service import Database
from .db.startup import prepare_schema
from .errors import install_error_handlers
from .request_limits import JsonDepthLimit
from .security import AccessGuard, SecurityMiddleware
from .settings import Settings
from .spa import mount_spa

log = logging.getLogger("forge_orchestrator")


def run_after_startup(app: FastAPI) -> None:
    """Start the work the components left for after start-up (each entry starts a thread)."""
    for start in app.state.after_startup:
        start()


def create_app(settings: Settings) -> FastAPI:
    secure_data_dir(settings)
    token = load_or_create_token(settings)
    install_log_redaction()
    guard = AccessGuard(settings, token, AuthState())

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = make_engine(
            settings.resolved_database_url, busy_timeout_s=settings.db_busy_timeout_s
        )
        await run_in_threadpool(prepare_schema, engine)
        app.state.engine = engine
        app.state.liveness = Liveness(engine)
        # Domain code reads and writes through it: see db/service.py.
        app.state.db = Database(engine)
        # Work a component wants done once start-up has finished (warm-ups): the server starts
        # it once it is listening (run_after_startup). Started here, its imports held the GIL
        # while uvicorn was still getting ready and delayed the first answer by 0.7-1 s.
        app.state.after_startup = []
        try:
            async with AsyncExitStack() as stack:
                for component in components():
                    await stack.enter_async_context(component(app))
                yield
        finally:
            await run_in_threadpool(app.state.db.close)
            engine.dispose()

    app = FastAPI(
        title="Forge Orchestrator",
        version=__version__,
        lifespan=lifespan,
        docs_url="/api/docs",
        redoc_url=None,
        openapi_url="/api/openapi.json",
    )
    app.state.settings = settings
    app.state.guard = guard
    install_error_handlers(app)
    build_api_router(app.router, prefix="/api")
    app.router.routes.insert(0, fast_health_route("/api/health"))
    mount_spa(app)
    app.add_middleware(JsonDepthLimit)  # inside SecurityMiddleware: after auth and size checks
    app.add_middleware(
        SecurityMiddleware,
        guard=guard,
        max_body_bytes=settings.max_body_bytes,
    )
    return app
