"""The stored flow definition: React-Flow-shaped nodes, edges, settings and each node's data."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

NODE_ID_PATTERN = r"^[A-Za-z_][A-Za-z0-9_-]{0,63}$"
INPUT_NAME_PATTERN = r"^[A-Za-z_][A-Za-z0-9_]{0,63}$"
NodeType = Literal["shell", "llm", "approval", "condition"]
Branch = Literal["true", "false"]


class _Frozen(BaseModel):
    # Extra keys (React Flow's width/height/selected, UI hints) are accepted and ignored.
    model_config = ConfigDict(frozen=True, extra="ignore")


class Position(_Frozen):
    x: float = 0.0
    y: float = 0.0


class NodeSpec(_Frozen):
    id: str
    type: NodeType
    position: Position = Position()
    data: dict[str, Any] = Field(default_factory=dict)


class EdgeData(_Frozen):
    branch: Branch | None = None


class EdgeSpec(_Frozen):
    id: str = ""
    source: str
    target: str
    sourceHandle: str | None = None  # React Flow's own name
    data: EdgeData = EdgeData()

    @model_validator(mode="after")
    def _default_id(self) -> EdgeSpec:
        if not self.id:
            object.__setattr__(self, "id", f"{self.source}->{self.target}")
        return self

    @property
    def branch(self) -> Branch | None:
        """The true/false label of an edge leaving a condition (edge data first, then handle)."""
        if self.data.branch is not None:
            return self.data.branch
        if self.sourceHandle == "true":
            return "true"
        if self.sourceHandle == "false":
            return "false"
        return None


class InputSpec(_Frozen):
    name: str = Field(pattern=INPUT_NAME_PATTERN)
    description: str = ""
    default: str | None = None
    required: bool = False


class FlowSettings(_Frozen):
    max_parallel: int | None = Field(None, ge=1, le=64)
    auto_approve: bool = False
    inputs: tuple[InputSpec, ...] = ()


class FlowDefinition(_Frozen):
    """What `forge_flows.data` holds; the editor round-trips it unchanged."""

    nodes: tuple[NodeSpec, ...] = Field((), max_length=5000)
    edges: tuple[EdgeSpec, ...] = Field((), max_length=20000)
    settings: FlowSettings = FlowSettings()


class _NodeData(_Frozen):
    label: str | None = Field(None, max_length=200)


class _Retryable(_NodeData):
    timeout_s: float | None = Field(None, gt=0, le=86_400)
    retries: int = Field(0, ge=0, le=10)
    retry_delay_s: float = Field(1.0, ge=0, le=600, description="Backoff base; doubles per retry.")
    continue_on_error: bool = False


class ShellData(_Retryable):
    command: str | None = Field(None, max_length=100_000)
    card_id: int | None = Field(None, ge=1)
    cwd: str | None = Field(None, max_length=4096)
    env: dict[str, str] = Field(default_factory=dict)
    # Values for a command card's own {{name}} placeholders (they may use flow templates).
    variables: dict[str, str] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _command_or_card(self) -> ShellData:
        has_command = bool(self.command and self.command.strip())
        if not has_command and self.card_id is None:
            raise ValueError("a shell step needs a command (or a command card id in card_id)")
        if has_command and self.card_id is not None:
            raise ValueError("give a command or a command card id (card_id), not both")
        return self


class LlmData(_Retryable):
    prompt: str = Field(min_length=1, max_length=500_000)
    agent_role: str | None = Field(None, max_length=100)
    provider: str | None = Field(None, max_length=100)
    model: str | None = Field(None, max_length=200)
    max_tokens: int = Field(1024, ge=1, le=200_000)
    temperature: float | None = Field(None, ge=0, le=2)
    system: str | None = Field(None, max_length=200_000)
    output: Literal["text", "json"] = "text"


class ApprovalData(_NodeData):
    message: str | None = Field(None, max_length=10_000)


CompareOp = Literal["eq", "ne", "lt", "le", "gt", "ge"]


class ConditionData(_NodeData):
    """exit_code / json compare with `operator`; contains / matches test the source's output."""

    kind: Literal["exit_code", "contains", "matches", "json"] = "exit_code"
    source: str = Field(min_length=1)
    operator: CompareOp = "eq"
    path: str | None = Field(None, max_length=500)
    value: str | int | float | bool | None = None
    negate: bool = False


NODE_DATA_MODELS: dict[str, type[_NodeData]] = {
    "shell": ShellData,
    "llm": LlmData,
    "approval": ApprovalData,
    "condition": ConditionData,
}
NodeData = ShellData | LlmData | ApprovalData | ConditionData
