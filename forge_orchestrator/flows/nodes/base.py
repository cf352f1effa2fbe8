"""What a node type is: its config schema, checks in a graph, execution and its editor form."""

from __future__ import annotations

import asyncio
from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import Connection

from ...redact import redact
from ..records import NodeRecord, RunRecord
from ..services import AgentRole, CardCommand, OutputSink, StepServices
from ..templates import NodeValues

FieldKind = Literal[
    "text", "template", "number", "checkbox", "select", "env", "upstream", "provider", "model"
]
Gate = Literal["never", "always", "unless_auto_approve"]


class NodeData(BaseModel):
    """Settings every node has; extra keys (UI hints) are accepted and ignored."""

    model_config = ConfigDict(frozen=True, extra="ignore")
    label: str | None = Field(None, max_length=200)


class RetryableData(NodeData):
    timeout_s: float | None = Field(None, gt=0, le=86_400)
    retries: int = Field(0, ge=0, le=10)
    retry_delay_s: float = Field(1.0, ge=0, le=600, description="Backoff base; doubles per retry.")
    continue_on_error: bool = False


class FieldOption(BaseModel):
    value: str
    label: str


class FormField(BaseModel):
    """One control of a node's settings form, as the editor draws it."""

    # Sent with every field: the OpenAPI says so, and the UI's generated types follow.
    model_config = ConfigDict(json_schema_serialization_defaults_required=True)

    name: str
    kind: FieldKind
    label: str
    help: str = ""
    required: bool = False
    options: list[FieldOption] = []
    suggestions: list[str] = Field([], description="Offered values for a free text field.")
    placeholder: str | None = None
    multiline: bool = False
    mono: bool = False
    minimum: float | None = None
    maximum: float | None = None
    step: float | None = None
    group: str | None = Field(None, description="Fields with the same group share a fieldset.")
    one_of: str | None = Field(
        None, description="Fields with the same one_of are alternatives; one is filled in."
    )
    choice_label: str | None = Field(None, description="The alternative's name in its chooser.")
    shown_when: dict[str, list[str]] | None = Field(
        None, description="Shown only while each named field has one of the listed values."
    )
    labels_when: dict[str, str] | None = Field(
        None, description="Label by the value of the field named in label_field."
    )
    label_field: str | None = None


class NodeTypeInfo(BaseModel):
    """What the editor needs to offer and draw a node type."""

    model_config = ConfigDict(json_schema_serialization_defaults_required=True)

    type: str
    label: str
    description: str
    icon: str
    branches: bool = Field(description="Outgoing edges are labelled true or false.")
    defaults: dict[str, Any] = Field(description="The data of a new node of this type.")
    note: str = ""
    fields: list[FormField]


RETRY_FIELDS = (
    FormField(name="timeout_s", kind="number", label="Timeout (s)", minimum=1,
              placeholder="default", group="Timeout and retries"),
    FormField(name="retries", kind="number", label="Retries", minimum=0, maximum=10,
              group="Timeout and retries"),
    FormField(name="retry_delay_s", kind="number", label="Backoff (s)", minimum=0, step=0.5,
              placeholder="1", group="Timeout and retries"),
    FormField(name="continue_on_error", kind="checkbox",
              label="Continue the flow if this step fails", group="Timeout and retries"),
)  # fmt: skip


@dataclass
class Lookups:
    """What steps refer to by name or id, found once when a run starts (or resumes)."""

    cards: dict[str, CardCommand] = field(default_factory=dict)  # by node id
    roles: dict[str, AgentRole] = field(default_factory=dict)  # by role name


@dataclass
class StepContext:
    """What one node attempt can use: the run, its services and where live output goes."""

    run: RunRecord
    services: StepServices
    cards: Mapping[str, CardCommand]
    on_output: OutputSink | None = None

    def redact(self, text: str) -> str:
        secrets = self.services.secrets
        return secrets.redact(text) if secrets is not None else redact(text)

    def output(self, node_id: str, stream: str, text: str) -> None:
        if self.on_output is not None:
            self.on_output(node_id, stream, text)


D = TypeVar("D", bound=NodeData)


class NodeType(ABC, Generic[D]):
    """One kind of flow step. Subclasses set the class attributes and implement execute."""

    name: ClassVar[str]
    data_model: type[D]
    label: ClassVar[str]
    description: ClassVar[str]
    icon: ClassVar[str] = "•"
    fields: ClassVar[tuple[FormField, ...]] = ()
    defaults: ClassVar[Mapping[str, Any]] = {}
    note: ClassVar[str] = ""
    #: Outgoing edges carry a true/false branch; the record's json {"result": bool} picks it.
    branches: ClassVar[bool] = False
    #: When the step waits for a person before it runs.
    gate: ClassVar[Gate] = "never"
    #: The gate is the whole step (approving it is its success).
    gate_only: ClassVar[bool] = False
    #: It starts a process whose side effects survive a crash (resume asks before rerunning).
    spawns_process: ClassVar[bool] = False
    #: Where a model-level validation error (no field of its own) is reported.
    model_error_field: ClassVar[str | None] = None
    #: Fields whose text may hold {{ templates }}.
    template_fields: ClassVar[tuple[str, ...]] = ()
    #: Mapping fields whose values may hold templates (reported as field.KEY).
    template_maps: ClassVar[tuple[str, ...]] = ()

    def parse(self, raw: Mapping[str, Any]) -> D:
        """The node's validated data; raises pydantic.ValidationError."""
        return self.data_model.model_validate(raw)

    def templates(self, data: D) -> Iterator[tuple[str, str]]:
        """(field, text) for every text of the node that may hold templates."""
        for name in self.template_fields:
            value = getattr(data, name, None)
            if isinstance(value, str):
                yield name, value
        for name in self.template_maps:
            for key, value in getattr(data, name, {}).items():
                yield f"{name}.{key}", value

    def upstream_refs(self, data: D) -> Iterator[tuple[str, str]]:
        """(field, node id) for fields that name a node which must be upstream."""
        return iter(())

    def check(self, data: D) -> list[tuple[str, str]]:
        """Static problems of the data as (field, message), beyond its schema."""
        return []

    def retry_policy(self, data: D) -> tuple[int, float]:
        """(retries, backoff base in seconds) for a failed attempt."""
        if isinstance(data, RetryableData):
            return data.retries, data.retry_delay_s
        return 0, 1.0

    def continues_on_error(self, data: D) -> bool:
        """A failure of this step lets the flow go on (its downstream still runs)."""
        return isinstance(data, RetryableData) and data.continue_on_error

    def resolve(
        self, conn: Connection, node_id: str, data: D, found: Lookups
    ) -> list[tuple[str, str]]:
        """On a database reader (``db.read``): look up what the step refers to into found;
        (field, message) for each thing that does not exist."""
        return []

    def info(self) -> NodeTypeInfo:
        return NodeTypeInfo(
            type=self.name,
            label=self.label,
            description=self.description,
            icon=self.icon,
            branches=self.branches,
            defaults=dict(self.defaults),
            note=self.note,
            fields=list(self.fields),
        )

    async def prepare_gate(
        self,
        ctx: StepContext,
        node_id: str,
        data: D,
        rec: NodeRecord,
        values: dict[str, NodeValues],
    ) -> None:
        """Fill in what the approver sees (rendered input, estimated cost) before the gate."""

    @abstractmethod
    async def execute(
        self,
        ctx: StepContext,
        node_id: str,
        data: D,
        rec: NodeRecord,
        values: dict[str, NodeValues],
        cancel: asyncio.Event,
    ) -> bool:
        """Run one attempt, filling in rec; True when it succeeded. May raise AppError,
        TemplateError or ConditionError (the caller records them as the step's error)."""
