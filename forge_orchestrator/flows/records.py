"""The live, in-memory state of a run and its nodes, and its conversion to API models."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ..capped_output import cap_text
from ..db.utils import iso, utcnow
from .models import FlowRun, NodeRun, RunSummary, RunTotals
from .templates import NodeValues

# What one node's record shows through the API; the full output stays in the database.
API_OUTPUT_CAP = 64 * 1024
TERMINAL_NODE = frozenset({"succeeded", "failed", "skipped", "cancelled"})
ACTIVE_RUN = frozenset({"queued", "running", "awaiting_approval"})


@dataclass
class NodeRecord:
    node_id: str
    type: str
    label: str
    status: str = "pending"
    attempts: int = 0
    started_at: datetime | None = None
    finished_at: datetime | None = None
    duration_ms: int | None = None
    exit_code: int | None = None
    input: str | None = None
    output: str | None = None
    stderr: str | None = None
    json: Any = None
    input_tokens: int | None = None
    output_tokens: int | None = None
    cost_usd: float | None = None
    estimated_cost_usd: float | None = None
    error: str | None = None

    def values(self) -> NodeValues:
        """What templates and conditions downstream can read from this node."""
        # Like $(…) in a shell, a trailing newline is not part of the value.
        return NodeValues(
            output=(self.output or "").rstrip("\n"),
            exit_code=self.exit_code,
            json=self.json,
            has_json=self.json is not None,
        )

    def reset(self) -> None:
        """Back to pending for a resumed run (keeps nothing of the earlier attempt)."""
        self.__init__(self.node_id, self.type, self.label)  # type: ignore[misc]

    def row(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "attempts": self.attempts,
            "input": self.input,
            "output": self.output,
            "stderr": self.stderr,
            "exit_code": self.exit_code,
            "json_output": self.json,
            "input_tokens": self.input_tokens,
            "output_tokens": self.output_tokens,
            "cost_usd": self.cost_usd,
            "estimated_cost_usd": self.estimated_cost_usd,
            "error": self.error,
            "started_at": self.started_at,
            "finished_at": self.finished_at,
            "duration_ms": self.duration_ms,
        }

    def to_api(self) -> NodeRun:
        out, truncated = (
            (None, False) if self.output is None else cap_text(self.output, API_OUTPUT_CAP)
        )
        return NodeRun(
            node_id=self.node_id,
            type=self.type,
            label=self.label,
            status=self.status,
            attempts=self.attempts,
            started_at=iso(self.started_at),
            finished_at=iso(self.finished_at),
            duration_ms=self.duration_ms,
            exit_code=self.exit_code,
            input=self.input,
            output=out,
            output_truncated=truncated,
            stderr=self.stderr,
            json_=self.json,
            input_tokens=self.input_tokens,
            output_tokens=self.output_tokens,
            cost_usd=self.cost_usd,
            estimated_cost_usd=self.estimated_cost_usd,
            error=self.error,
        )


@dataclass
class RunRecord:
    id: int
    flow_id: int | None
    flow_name: str
    flow_version: int
    definition: dict[str, Any]
    status: str
    inputs: dict[str, str]
    auto_approve: bool
    created_at: datetime
    error: str | None = None
    started_at: datetime | None = None
    finished_at: datetime | None = None
    nodes: dict[str, NodeRecord] = field(default_factory=dict)

    def totals(self) -> RunTotals:
        t = RunTotals()
        for n in self.nodes.values():
            t.input_tokens += n.input_tokens or 0
            t.output_tokens += n.output_tokens or 0
            t.cost_usd += n.cost_usd or 0.0
        if self.started_at is not None:
            end = self.finished_at or utcnow()
            t.duration_ms = max(0, int((end - self.started_at).total_seconds() * 1000))
        t.cost_usd = round(t.cost_usd, 8)
        return t

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for n in self.nodes.values():
            out[n.status] = out.get(n.status, 0) + 1
        return out

    def summary(self) -> RunSummary:
        return RunSummary(**self._common())

    def to_api(self) -> FlowRun:
        return FlowRun(**self._common(), nodes=[n.to_api() for n in self.nodes.values()])

    def _common(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "flow_id": self.flow_id,
            "flow_name": self.flow_name,
            "flow_version": self.flow_version,
            "status": self.status,
            "inputs": self.inputs,
            "auto_approve": self.auto_approve,
            "error": self.error,
            "created_at": iso(self.created_at) or "",
            "started_at": iso(self.started_at),
            "finished_at": iso(self.finished_at),
            "totals": self.totals(),
            "node_counts": self.counts(),
        }

    def run_row(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "error": self.error,
            "started_at": self.started_at,
            "finished_at": self.finished_at,
            "auto_approve": self.auto_approve,
        }
