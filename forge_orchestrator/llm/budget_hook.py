"""The protocol the budgets domain implements so the gateway can reserve and settle spend."""

from __future__ import annotations

from typing import Protocol

from sqlalchemy import Connection


class BudgetHook(Protocol):
    """Sync methods, called around every provider call.

    ``applies`` is a read of a few rows through the connection it is given (the gateway runs
    it on the event loop when the database need not wait); ``reserve`` and ``settle`` write
    and run in a worker thread.
    """

    def may_apply(self) -> bool:
        """False when it is known without any I/O that no budget exists (``applies`` is then
        skipped); True means ask ``applies``."""
        ...

    def applies(self, conn: Connection, *, provider: str, flow_id: str | None) -> bool:
        """Whether any budget covers this call: a cheap read, so calls without budgets never
        take the database's write lock or pay for a cost estimate."""
        ...

    def reserve(self, *, provider: str, flow_id: str | None, amount_usd: float) -> object:
        """Hold ``amount_usd`` (the worst-case estimate) or raise ``BudgetExceeded``."""
        ...

    def settle(self, reservation: object, actual_usd: float | None) -> None:
        """Replace the hold with the actual cost (None: unpriced, or the call failed unbilled)."""
        ...
