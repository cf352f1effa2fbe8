"""The protocol the budgets domain implements so the gateway can reserve and settle spend."""

from __future__ import annotations

from typing import Protocol

from sqlalchemy import Connection


class BudgetHook(Protocol):
    """Sync methods, called around every provider call through the database service.

    ``applies`` is a read of a few rows; ``reserve_in`` and ``settle_in`` write, inside the
    transaction that also writes the call's ledger row (so a hold and its row land together).
    """

    def may_apply(self) -> bool:
        """False when it is known without any I/O that no budget exists (``applies`` is then
        skipped); True means ask ``applies``."""
        ...

    def applies(self, conn: Connection, *, provider: str, flow_id: str | None) -> bool:
        """Whether any budget covers this call: a cheap read, so calls without budgets never
        take the database's write lock or pay for a cost estimate."""
        ...

    def reserve_in(
        self, conn: Connection, *, provider: str, flow_id: str | None, amount_usd: float
    ) -> object:
        """Hold ``amount_usd`` (the worst-case estimate) or raise ``BudgetExceeded``."""
        ...

    def settle_in(self, conn: Connection, reservation: object) -> None:
        """Release the hold. The call's ledger row, written in the same transaction, carries
        the actual cost, so spend is never counted zero times."""
        ...
