"""The gateway: complete and stream over any provider, with retries, budgets and one ledger row."""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any, TypeVar

from sqlalchemy import Engine

from .. import vendors
from ..db.service import Database
from ..errors import AppError, ProviderError, ValidationFailed
from ..ledger.capture import CapturePolicy
from ..pricing import overrides
from ..pricing.book import PriceBook, cost
from ..redact import redact
from ..settings import Settings
from .budget_hook import BudgetHook
from .call import CallRun
from .provider_settings import ProviderSettingsStore
from .providers import Adapter, OpenStream, Timeouts
from .retry import GaveUp, RetryPolicy, classify, run_with_retries
from .targets import KeyStore, Target, choose, resolve, target_with_key
from .tokens import count_messages
from .types import CallContext, LLMRequest, LLMResult, StreamDone, StreamEvent, TextDelta, Usage

T = TypeVar("T")

MAX_CACHED_CLIENTS = 32


class Gateway:
    """complete / stream / estimate_cost / list_models. Every call writes exactly one row."""

    def __init__(
        self,
        engine: Engine,
        settings: Settings,
        *,
        prices: PriceBook,
        providers: ProviderSettingsStore,
        secrets: Callable[[], KeyStore | None] = lambda: None,
        retry: RetryPolicy | None = None,
        db: Database | None = None,
    ) -> None:
        self.engine = engine
        # Ledger rows are written (and budgets checked) through the database service.
        self.db = db or Database(engine)
        self._owns_db = db is None
        self.settings = settings
        self.prices = prices
        self.providers = providers
        self._secrets = secrets
        self.retry = retry or RetryPolicy(max_retries=settings.llm_max_retries)
        self.budget_hook: BudgetHook | None = None
        self.capture = CapturePolicy.of(settings)
        self._clients: dict[tuple[str, str, str, str | None], Adapter] = {}

    # ---- configuration ----------------------------------------------------------------------
    async def ready(self) -> None:
        """Provider settings and price overrides in memory, read through the database service
        when nothing has loaded them yet: what the catalog, price and settings answers then
        look up reads nothing on its own (on the event loop or in a worker thread)."""
        await self.providers.current(self.db)
        await overrides.ready(self.db, self.prices)

    def set_budget_hook(self, hook: BudgetHook | None) -> None:
        self.budget_hook = hook

    def secrets(self) -> KeyStore | None:
        return self._secrets()

    def redact(self, text: str, key: str | None = None) -> str:
        """Mask the call's key, every stored secret and any key-shaped string."""
        out = redact(text, [key] if key else [])
        store: Any = self._secrets()
        if store is not None and hasattr(store, "redact"):
            out = str(store.redact(out))
        return out

    def redactor(self, key: str | None = None) -> Callable[[str], str]:
        """``redact`` with the stored secrets read once, for masking many texts of one call."""
        secrets = [key] if key else []
        store: Any = self._secrets()
        if store is not None and hasattr(store, "values"):
            with contextlib.suppress(Exception):  # key shapes are still masked
                secrets.extend(store.values())
        return lambda text: redact(text, secrets)

    def timeouts(self, req: LLMRequest | None = None) -> Timeouts:
        read = req.timeout_s if req is not None and req.timeout_s else None
        return Timeouts(
            self.settings.llm_connect_timeout_s, read or self.settings.llm_read_timeout_s
        )

    async def _loaded(self, t: Target) -> None:
        """The adapter's module (and its SDK) imported off the loop: an SDK takes up to a second
        to import, which on the loop would stall every request meanwhile. Usually the warm-up
        has done it; a vendor whose key was added later loads on its first call."""
        module = vendors.get(t.kind).adapter_for(t.model).partition(":")[0]
        if module not in sys.modules:
            await asyncio.to_thread(importlib.import_module, module)

    def _client(self, t: Target) -> Adapter:
        cache_key = (vendors.get(t.kind).adapter_for(t.model), t.provider, t.base_url, t.api_key)
        client = self._clients.get(cache_key)
        if client is None:
            if len(self._clients) >= MAX_CACHED_CLIENTS:
                self._clients.clear()  # keys rotated many times; rebuild on demand
            client = self._build_client(t)
            self._clients[cache_key] = client
        return client

    def _build_client(self, t: Target) -> Adapter:
        # The vendor's adapter (and its SDK) is imported here, on first use (or by the warm-up
        # after start-up): importing an SDK costs over a second that `serve` should not wait for.
        build = vendors.get(t.kind).factory(t.model)
        client: Adapter = build(
            name=t.provider,
            label=t.label,
            api_key=t.api_key,
            base_url=t.base_url,
            timeouts=self.timeouts(),
        )
        return client

    async def aclose(self) -> None:
        clients, self._clients = list(self._clients.values()), {}
        for client in clients:
            await client.aclose()
        if self._owns_db:
            await asyncio.to_thread(self.db.close)

    async def _attempt(self, call: CallRun, target: Target, send: Callable[[], Awaitable[T]]) -> T:
        """``send`` under the retry policy; a final failure or a cancellation is recorded once."""
        try:
            return await run_with_retries(
                self.retry, call.attempts, target.label, send, vendors.get(target.kind).classify
            )
        except GaveUp as gave_up:
            raise await call.fail(gave_up.failure) from None
        except asyncio.CancelledError:
            call.cancelled()
            raise

    # ---- calls -------------------------------------------------------------------------------
    async def complete(self, req: LLMRequest, ctx: CallContext | None = None) -> LLMResult:
        call = CallRun(self, req, ctx or CallContext(), streamed=False)
        target = await call.prepare()
        await self._loaded(target)
        client, timeouts = self._client(target), self.timeouts(req)
        raw = await self._attempt(
            call, target, lambda: client.complete(req, target.model, timeouts)
        )
        return await call.succeed(raw.text, raw.model, raw.usage, raw.request_id)

    async def stream(
        self, req: LLMRequest, ctx: CallContext | None = None
    ) -> AsyncIterator[StreamEvent]:
        """TextDelta events as text arrives, then one StreamDone with the recorded result."""
        call = CallRun(self, req, ctx or CallContext(), streamed=True)
        target = await call.prepare()
        await self._loaded(target)
        client, timeouts = self._client(target), self.timeouts(req)
        opened: OpenStream = await self._attempt(
            call, target, lambda: client.open_stream(req, target.model, timeouts)
        )
        state = opened.state
        try:
            async for text in opened.texts():
                call.mark_first_token()
                yield TextDelta(text=text)
        except (asyncio.CancelledError, GeneratorExit):
            call.cancelled("".join(state.chunks), state.usage)
            await _close_quietly(opened)
            raise
        except Exception as exc:
            await _close_quietly(opened)
            failure = classify(exc, target.label, vendors.get(target.kind).classify)
            raise await call.fail(failure, "".join(state.chunks), state.usage) from None
        result = await call.succeed(
            "".join(state.chunks), state.model, state.usage, state.request_id
        )
        yield StreamDone(result=result)

    # ---- estimates and models --------------------------------------------------------------
    def estimate_cost(self, req: LLMRequest) -> float | None:
        """Worst case in USD: prompt tokens at the input price + max_tokens at the output price."""
        try:
            provider, model = choose(self.providers.get(), req.provider, req.model, self.secrets())
        except AppError:
            return None
        price = self.prices.lookup(provider, model)
        if price is None:
            return None
        prompt = count_messages(req.messages, req.system, model)
        return cost(Usage(input_tokens=prompt, output_tokens=req.max_tokens), price)

    async def list_models(self, provider: str, api_key: str | None = None) -> list[str]:
        """The provider's model ids via one real call (used to test a key before saving it)."""
        cfg = self.providers.get()
        if provider not in cfg.provider_names():
            raise ValidationFailed(f"There is no provider named '{provider}'.")
        if api_key is None:
            target = await asyncio.to_thread(resolve, cfg, provider, None, self.secrets())
        else:
            target = target_with_key(cfg, provider, api_key)
        await self._loaded(target)
        client = self._build_client(target)
        try:
            return await client.list_models(self.timeouts())
        except Exception as exc:
            raise self._provider_error(exc, target.label, target.api_key) from None
        finally:
            await client.aclose()

    async def discover(self, base_url: str, api_key: str | None = None) -> list[str]:
        """Models an OpenAI-compatible server lists at /v1/models."""
        from .providers.compatible import discover_models

        try:
            return await discover_models(base_url, api_key, self.timeouts())
        except Exception as exc:
            raise self._provider_error(exc, base_url, api_key) from None

    def _provider_error(self, exc: Exception, label: str, key: str | None) -> ProviderError:
        failure = classify(exc, label)
        return ProviderError(self.redact(failure.message, key), details={"status": failure.status})


async def _close_quietly(stream: OpenStream) -> None:
    # Closing after a failure or cancellation is best effort.
    with contextlib.suppress(BaseException):
        await stream.close()
