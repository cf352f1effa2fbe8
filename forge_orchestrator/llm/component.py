"""Starts the gateway as ``app.state.gateway`` (with its price book and provider settings)."""

from __future__ import annotations

import importlib
import logging
import threading
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from fastapi import FastAPI
from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool

from .. import vendors
from ..db.service import Database
from ..ledger.recorder import settle_orphans
from ..pricing.book import PriceBook
from ..pricing.overrides import load_overrides, stored_overrides
from ..settings import Settings
from .gateway import Gateway
from .provider_settings import ProviderSettingsStore
from .targets import KeyStore, is_configured, vendor_of
from .tokens import warm_up

log = logging.getLogger("forge_orchestrator.llm")


def build_gateway(
    engine: Engine,
    settings: Settings,
    secrets: Callable[[], KeyStore | None] = lambda: None,
    db: Database | None = None,
) -> Gateway:
    """A gateway with its price book (bundled + overrides) and provider settings store."""
    providers = ProviderSettingsStore(engine)
    prices = PriceBook(
        load_overrides=lambda: load_overrides(engine),
        read_overrides=stored_overrides,
        is_free=lambda provider: providers.get().is_local(provider),
    )
    return Gateway(engine, settings, prices=prices, providers=providers, secrets=secrets, db=db)


def _warm_up(gateway: Gateway) -> None:
    """Ahead of the first call, in a background thread: the tokenizer's default encoding, then
    the SDKs of the providers that can be called now (those with a key, or needing none).

    A vendor nobody has a key for keeps its SDK unloaded (30-40 MiB each): its first use is
    the key test when one is added, which imports it then."""
    warm_up()
    try:
        cfg, secrets = gateway.providers.get(), gateway.secrets()
        ready = {vendor_of(p, cfg) for p in cfg.provider_names() if is_configured(p, cfg, secrets)}
    except Exception:
        log.warning("could not tell which providers are configured; warming up none", exc_info=True)
        return
    for vendor in vendors.all():
        if vendor in ready:
            for path in {vendor.adapter, *(adapter for _, adapter in vendor.routes)}:
                importlib.import_module(path.partition(":")[0])


@asynccontextmanager
async def llm_component(app: FastAPI) -> AsyncIterator[None]:
    # Calls a stopped server left PENDING are settled as failed (and counted) before new ones.
    await run_in_threadpool(settle_orphans, app.state.engine)
    # Looked up per call: the keyring component may be absent or replaced in tests.
    gateway = build_gateway(
        app.state.engine,
        app.state.settings,
        lambda: getattr(app.state, "secrets", None),
        db=app.state.db,
    )
    app.state.gateway = gateway
    # Imports hold the GIL for seconds: started beside the other components' start-up, they
    # made the lifespan take 6-10 s instead of 1 s (measured on a loaded machine).
    warm = threading.Thread(target=_warm_up, args=(gateway,), name="llm-warm-up", daemon=True)
    after = getattr(app.state, "after_startup", None)
    if after is None:
        warm.start()
    else:
        after.append(warm.start)
    try:
        yield
    finally:
        await gateway.aclose()
