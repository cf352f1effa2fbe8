"""One recorded call with its prompt and answer, or why they are not there."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, Literal

from sqlalchemy import Connection, select

from ..db.tables import token_ledger
from ..db.utils import utcnow
from ..errors import NotFound
from .capture import CapturePolicy, load

CaptureState = Literal["captured", "off", "expired", "not_captured", "pending"]
STATE_MESSAGES: dict[CaptureState, str] = {
    "captured": "",
    "off": "Prompt and answer capture is off (FORGE_CAPTURE_CALLS=false), so this call's "
    "prompt and answer were not kept.",
    "expired": "This call's prompt and answer were deleted after the retention period "
    "({days} days, FORGE_CAPTURE_RETENTION_DAYS).",
    "not_captured": "No prompt and answer were kept for this call: capture was off when it "
    "ran, or it was recorded before Forge kept them.",
    "pending": "The call is still in flight; its prompt and answer are stored when it ends.",
}


def _state(row: dict[str, Any], policy: CapturePolicy) -> CaptureState:
    if row["status"] == "PENDING":
        return "pending"
    if row["timestamp"] < utcnow() - timedelta(days=policy.retention_days):
        return "expired"
    return "off" if not policy.enabled else "not_captured"


def call_detail(conn: Connection, ledger_id: int, policy: CapturePolicy) -> dict[str, Any]:
    """{"call": the ledger row, "capture": {state, message, messages, answer, sizes…}}."""
    found = conn.execute(select(token_ledger).where(token_ledger.c.id == ledger_id)).first()
    if found is None:
        raise NotFound(f"There is no ledger call #{ledger_id}.", details={"id": ledger_id})
    row = dict(found._mapping)
    stored = load(conn, ledger_id)
    if stored is not None:
        capture = {"state": "captured", "message": "", **stored}
    else:
        state = _state(row, policy)
        message = STATE_MESSAGES[state].format(days=policy.retention_days)
        capture = {"state": state, "message": message, "messages": [], "response": None}
    return {"call": row, "capture": capture}
