"""One gateway call's bookkeeping: resolve, reserve budget, and write its single ledger row.

The row is inserted (PENDING) before the provider is called, so no call goes out that the
ledger does not know about, and settled with the outcome afterwards. A row that cannot be
inserted stops the call (503); an outcome that cannot be written is retried in the background.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from typing import TYPE_CHECKING

from sqlalchemy import Connection

from ..errors import (
    AppError,
    BudgetExceeded,
    NotConfigured,
    ProviderError,
    ProviderTimeout,
    ValidationFailed,
    database_fault,
    database_fault_kind,
)
from ..ledger import capture
from ..ledger.outcomes import CANCELLED, REFUSED, Outcome
from ..ledger.recorder import LedgerEntry, Status, insert_pending, record_in, settle_in
from .accounting import apply_usage, estimate_usage, new_entry
from .provider_settings import ProvidersConfig
from .retry import Attempts, Failure
from .targets import KeyStore, Target, choose, resolve
from .types import CallContext, LLMRequest, LLMResult, Usage, UsageSource

if TYPE_CHECKING:
    from .gateway import Gateway

log = logging.getLogger("forge_orchestrator.llm")


def refusal_outcome(exc: AppError) -> Outcome:
    """Why a call was stopped before the provider was asked."""
    if isinstance(exc, BudgetExceeded):
        return REFUSED
    if isinstance(exc, NotConfigured):
        return "not_configured"
    if isinstance(exc, ValidationFailed):
        return "invalid_request"
    return "error"


class CallRun:
    """Tracks one call from start to its one ledger row (written exactly once)."""

    def __init__(self, gw: Gateway, req: LLMRequest, ctx: CallContext, *, streamed: bool) -> None:
        self.gw = gw
        self.req = req
        self.t0 = time.perf_counter()
        self.attempts = Attempts()
        self.target: Target | None = None
        self.reservation: object | None = None
        self.reserved = False
        self.ttft_ms: int | None = None
        self.recorded = False
        self.ledger_id: int | None = None  # the PENDING row, once written
        self.answer: str | None = None  # what came back, whole or partial, for the capture
        self.capture: capture.Capture | None = None
        self.entry: LedgerEntry = new_entry(
            req,
            ctx,
            req.provider or "unconfigured",
            streamed=streamed,
            user_name=gw.settings.user,
            machine=gw.settings.machine,
        )

    # ---- before the provider call ---------------------------------------------------------
    async def prepare(self) -> Target:
        """Resolve the destination, check budgets and write the PENDING row (with any budget
        hold), all in one job of the database writer. A refusal is recorded and re-raised."""
        gw = self.gw
        hook = gw.budget_hook
        if hook is not None and not hook.may_apply():
            hook = None
        secrets = gw.secrets()

        def pending_in(conn: Connection) -> tuple[Target, int, object | None]:
            # Settings and keys may come from the database or the OS keyring: never on the
            # event loop.
            target = self._resolve(gw.providers.get(), secrets)
            held = None
            flow_id = self.entry.flow_id
            if hook is not None and hook.applies(conn, provider=target.provider, flow_id=flow_id):
                amount = gw.estimate_cost(self.req) or 0.0
                held = hook.reserve_in(
                    conn, provider=target.provider, flow_id=flow_id, amount_usd=amount
                )
            return target, insert_pending(conn, self.entry), held

        future = gw.db.submit(pending_in)
        try:
            # Shielded: if this task is cancelled meanwhile, the row still lands and is
            # settled as cancelled once it has.
            target, ledger_id, held = await asyncio.shield(future)
        except asyncio.CancelledError:
            future.add_done_callback(self._pending_after_cancel)
            raise
        except AppError as exc:  # refused (no key, budget): nothing was written yet
            await self._write_failed("FAILED", exc.message, refusal_outcome(exc))
            raise
        except Exception as exc:
            fault = database_fault(exc, gw.engine.url.database)
            if fault is None:
                raise
            self.recorded = True  # the database refused the row: there is nothing to settle
            raise fault from None
        self.target, self.ledger_id = target, ledger_id
        self.reservation, self.reserved = held, held is not None
        return target

    def _pending_after_cancel(
        self, future: asyncio.Future[tuple[Target, int, object | None]]
    ) -> None:
        if future.cancelled() or future.exception() is not None:
            self.cancelled()  # refused or not written: one full row says it was cancelled
            return
        self.target, self.ledger_id, self.reservation = future.result()
        self.reserved = self.reservation is not None
        self.cancelled()

    def _resolve(self, cfg: ProvidersConfig, secrets: KeyStore | None) -> Target:
        req = self.req
        # Name the provider and model on the row even when the key is what's missing.
        with contextlib.suppress(AppError):
            self.entry.provider, self.entry.model_used = choose(
                cfg, req.provider, req.model, secrets
            )
        return resolve(cfg, req.provider, req.model, secrets)

    def mark_first_token(self) -> None:
        if self.ttft_ms is None:
            self.ttft_ms = self._elapsed_ms()

    # ---- outcomes ---------------------------------------------------------------------------
    async def succeed(
        self,
        text: str,
        model: str | None,
        usage: Usage | None,
        request_id: str | None,
    ) -> LLMResult:
        assert self.target is not None
        e = self.entry
        e.model_used = model or self.target.model
        e.request_id = request_id
        source: UsageSource = "provider"
        if usage is None or (usage.input_tokens == 0 and usage.output_tokens == 0):
            usage = await asyncio.to_thread(estimate_usage, self.req, self.target.model, text)
            source = "estimated"
        cost = apply_usage(e, self.gw.prices, usage, source, self.target.model)
        e.status, e.outcome, self.answer = "SUCCESS", "ok", text
        ledger_id = await self._write()
        log.debug(
            "llm %s/%s ok %dms in=%d out=%d",
            e.provider,
            e.model_used,
            e.latency_ms,
            e.input_tokens,
            e.output_tokens,
        )
        return LLMResult(
            text=text,
            provider=e.provider,
            model=e.model_used,
            usage=usage,
            cost_usd=cost,
            latency_ms=e.latency_ms,
            ledger_id=ledger_id,
            usage_source=source,
            request_id=request_id,
        )

    async def fail(
        self, failure: Failure, partial: str | None = None, reported: Usage | None = None
    ) -> ProviderError:
        """Record the failure and return the (redacted) error to raise."""
        message = self.gw.redact(failure.message, self._key())
        self.entry.request_id = failure.request_id
        if partial is not None:
            self._charge_partial(partial, reported)
        status: Status = "TIMEOUT" if failure.kind == "timeout" else "FAILED"
        await self._write_failed(status, message, "timeout" if status == "TIMEOUT" else None)
        details = {"provider": self.entry.provider, "attempts": self.attempts.count}
        if failure.status is not None:
            details["status"] = failure.status
        if status == "TIMEOUT":
            return ProviderTimeout(message, details=details)
        return ProviderError(message, details=details)

    def cancelled(self, partial: str | None = None, reported: Usage | None = None) -> None:
        """The caller went away. A cancelled task cannot await, and the loop must not wait on
        the database: written now if that needs no wait, else by a background task.

        ``partial`` is given once the provider accepted the request (an open stream): it bills
        the prompt and what it generated, so the row is charged for them (estimated)."""
        if self.recorded:
            return
        if partial is not None:
            self._charge_partial(partial, reported)
        self.entry.outcome = CANCELLED
        self._finish("FAILED", CANCELLED)
        self.recorded = True
        what = f"cancelled call's ledger row {self.ledger_id or ''}".strip()
        self.gw.db.write_nowait(self._store_in, what=what)

    # ---- internals --------------------------------------------------------------------------
    def _key(self) -> str | None:
        return self.target.api_key if self.target is not None else None

    def _elapsed_ms(self) -> int:
        return int((time.perf_counter() - self.t0) * 1000)

    def _charge_partial(self, partial: str, reported: Usage | None) -> None:
        """A cut-off call: the prompt as the provider reported it (else counted here) and at
        least the text that arrived; flagged as estimated."""
        self.answer = partial
        model = self.target.model if self.target else self.entry.model_used
        usage = estimate_usage(self.req, model, partial)
        if reported is not None and reported.input_tokens:
            out = max(reported.output_tokens, usage.output_tokens)
            usage = reported.model_copy(update={"output_tokens": out})
        apply_usage(self.entry, self.gw.prices, usage, "estimated", model)

    def _finish(self, status: Status, error: str | None) -> None:
        e = self.entry
        e.status = status
        if e.outcome is None:
            e.outcome = "provider_error"
        e.error_message = error
        e.latency_ms = self._elapsed_ms()
        e.attempts = self.attempts.count
        e.ttft_ms = self.ttft_ms
        if e.cost_status == "not_billed":
            # Nothing came back, so nothing is billed: an explicit zero, flagged as such.
            e.total_cost_usd = 0.0
        self.capture = self._capture()

    def _capture(self) -> capture.Capture | None:
        policy = self.gw.capture
        if not policy.enabled:
            return None
        req = self.req
        try:
            return capture.build(
                req.system,
                [(m.role, m.content) for m in req.messages],
                self.answer,
                self.gw.redactor(self._key()),
                policy.max_bytes,
            )
        except Exception:
            # The capture is a convenience; it must never cost the call its ledger row.
            log.exception("could not capture the prompt and answer of an LLM call")
            return None

    async def _write_failed(
        self, status: Status, message: str, outcome: Outcome | None = None
    ) -> None:
        if outcome is not None:
            self.entry.outcome = outcome
        self._finish(status, message)
        await self._write()
        log.warning(
            "llm %s/%s %s after %d attempt(s): %s",
            self.entry.provider,
            self.entry.model_used,
            status,
            self.attempts.count,
            message,
        )

    async def _write(self) -> int:
        if self.entry.error_message is None:
            self._finish(self.entry.status, None)
        # Flag first: once the write starts, the row lands even if this task is cancelled.
        self.recorded = True
        try:
            return await self.gw.db.write(self._store_in)
        except Exception as exc:
            if self.ledger_id is None or database_fault_kind(exc) not in ("busy", "full"):
                raise
            # The provider has answered (and may bill for it): the caller gets the answer, and
            # the row, PENDING meanwhile, is settled as soon as the database takes writes.
            self.gw.db.write_nowait(self._store_in, what=f"ledger row {self.ledger_id}")
            return self.ledger_id

    def _store_in(self, conn: Connection) -> int:
        if self.ledger_id is None:  # refused before the provider was called: one full row
            ledger_id = record_in(conn, self.entry)
        else:
            ledger_id = settle_in(conn, self.ledger_id, self.entry)
        if self.capture is not None:
            capture.store_in(conn, ledger_id, self.capture)
        hook = self.gw.budget_hook
        if self.reserved and hook is not None:
            # In the row's transaction: concurrent budget checks see the spend in one place.
            hook.settle_in(conn, self.reservation)
        return ledger_id
