"""The stored flow definition: React-Flow-shaped nodes, edges, settings and each node's data."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from .conditions import ConditionData
from .nodes import registry
from .nodes.approval import ApprovalData
from .nodes.base import NodeData
from .nodes.llm import LlmData
from .nodes.shell import ShellData

__all__ = ["ApprovalData", "ConditionData", "LlmData", "NodeData", "ShellData"]

NODE_ID_PATTERN = r"^[A-Za-z_][A-Za-z0-9_-]{0,63}$"
INPUT_NAME_PATTERN = r"^[A-Za-z_][A-Za-z0-9_]{0,63}$"
Branch = Literal["true", "false"]


class _Frozen(BaseModel):
    # Extra keys (React Flow's width/height/selected, UI hints) are accepted and ignored.
    model_config = ConfigDict(frozen=True, extra="ignore")


class Position(_Frozen):
    x: float = 0.0
    y: float = 0.0


class NodeSpec(_Frozen):
    id: str
    type: str = Field(description="A node type from flows.nodes.registry.")
    position: Position = Position()
    data: dict[str, Any] = Field(default_factory=dict)

    @field_validator("type")
    @classmethod
    def _known_type(cls, value: str) -> str:
        known = registry.names()
        if value not in known:
            quoted = [repr(n) for n in known]
            raise ValueError(f"Input should be {', '.join(quoted[:-1])} or {quoted[-1]}")
        return value


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
