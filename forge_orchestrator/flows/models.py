"""Pydantic shapes of flows, versions and runs as the API reads and returns them."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

FlowStatus = Literal["draft", "active", "archived"]
RunStatus = Literal[
    "queued", "running", "awaiting_approval", "succeeded", "failed", "cancelled", "interrupted"
]
NodeStatus = Literal[
    "pending",
    "queued",
    "running",
    "awaiting_approval",
    "succeeded",
    "failed",
    "skipped",
    "cancelled",
    "interrupted",
]
EMPTY_DEFINITION: dict[str, Any] = {"nodes": [], "edges": []}


class RunBrief(BaseModel):
    id: int
    status: RunStatus
    created_at: str
    started_at: str | None
    finished_at: str | None


class Flow(BaseModel):
    # A response always carries its defaulted fields: the OpenAPI says so (required).
    model_config = ConfigDict(json_schema_serialization_defaults_required=True)

    id: int
    name: str
    description: str
    status: FlowStatus
    data: dict[str, Any]
    version: int
    created_at: str
    updated_at: str
    node_count: int
    last_run: RunBrief | None = None


class FlowVersion(BaseModel):
    version: int
    name: str
    description: str
    note: str | None
    created_at: str
    node_count: int
    data: dict[str, Any]


class FlowCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200)
    description: str = Field("", max_length=10_000)
    data: dict[str, Any] = Field(default_factory=lambda: dict(EMPTY_DEFINITION))
    status: FlowStatus = "draft"


class FlowUpdate(BaseModel):
    """PUT body: `version` is the version the client last read; a stale one gets 409."""

    model_config = ConfigDict(extra="forbid")

    version: int = Field(ge=1)
    name: str | None = Field(None, min_length=1, max_length=200)
    description: str | None = Field(None, max_length=10_000)
    status: FlowStatus | None = None
    data: dict[str, Any] | None = None
    note: str | None = Field(None, max_length=1000)


class FlowExport(BaseModel):
    model_config = ConfigDict(json_schema_serialization_defaults_required=True)

    format: Literal["forge-flow"] = "forge-flow"
    format_version: Literal[1] = 1
    name: str
    description: str
    data: dict[str, Any]
    exported_at: str


class FlowImport(BaseModel):
    """An export file (or any object with name and data); always imported as a new draft."""

    model_config = ConfigDict(extra="ignore")

    format: Literal["forge-flow"] = "forge-flow"
    format_version: Literal[1] = 1
    name: str = Field(min_length=1, max_length=200)
    description: str = Field("", max_length=10_000)
    data: dict[str, Any]


class ValidateRequest(BaseModel):
    data: dict[str, Any]


class IssueOut(BaseModel):
    node_id: str | None
    field: str
    message: str


class ValidationReport(BaseModel):
    valid: bool
    issues: list[IssueOut]


class RunTotals(BaseModel):
    model_config = ConfigDict(json_schema_serialization_defaults_required=True)

    input_tokens: int = 0
    output_tokens: int = 0
    cost_usd: float = 0.0
    duration_ms: int | None = None


class NodeRun(BaseModel):
    model_config = ConfigDict(
        json_schema_serialization_defaults_required=True, populate_by_name=True
    )

    node_id: str
    type: str
    label: str
    status: NodeStatus
    attempts: int
    started_at: str | None
    finished_at: str | None
    duration_ms: int | None
    exit_code: int | None
    input: str | None
    output: str | None
    output_truncated: bool = False
    stderr: str | None = None
    json_: Any = Field(None, alias="json")
    input_tokens: int | None
    output_tokens: int | None
    cost_usd: float | None
    estimated_cost_usd: float | None
    error: str | None


class RunSummary(BaseModel):
    id: int
    flow_id: int | None
    flow_name: str
    flow_version: int
    status: RunStatus
    inputs: dict[str, str]
    auto_approve: bool
    error: str | None
    created_at: str
    started_at: str | None
    finished_at: str | None
    totals: RunTotals
    node_counts: dict[str, int]


class FlowRun(RunSummary):
    nodes: list[NodeRun]


class RunPage(BaseModel):
    model_config = ConfigDict(json_schema_serialization_defaults_required=True)

    runs: list[RunSummary]
    next_before: int | None = Field(
        None, description="Pass as `before` for the next (older) page; null on the last page."
    )


class RunEnvelope(BaseModel):
    run: FlowRun


class StartRun(BaseModel):
    model_config = ConfigDict(extra="forbid")

    inputs: dict[str, str] = Field(default_factory=dict)
    auto_approve: bool | None = Field(
        None, description="Skip the cost confirmation of llm steps; default: the flow's setting."
    )


class ResumeRun(BaseModel):
    model_config = ConfigDict(extra="forbid")

    rerun_interrupted: bool = Field(
        False,
        description="Re-run shell steps that were mid-flight when the server stopped. "
        "Without it, resuming a run that has such steps answers 409 naming them.",
    )
