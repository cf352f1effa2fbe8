"""Pydantic shapes of the commands domain: cards, variables, risk verdicts and runs."""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

RiskLevel = Literal["safe", "caution", "dangerous"]
RunStatus = Literal["running", "succeeded", "failed", "timed_out", "cancelled", "interrupted"]
Shell = Literal["bash", "sh", "zsh", "dash"]
Source = Literal["manual", "architect"]

FINAL_STATUSES: frozenset[str] = frozenset(
    {"succeeded", "failed", "timed_out", "cancelled", "interrupted"}
)
VARIABLE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")


class Variable(BaseModel):
    """A `{{name}}` placeholder the card declares; its value is bound in the run's environment."""

    # A response always carries its defaulted fields: the OpenAPI says so (required).
    model_config = ConfigDict(json_schema_serialization_defaults_required=True, extra="forbid")

    name: str = Field(min_length=1, max_length=64)
    description: str = Field("", max_length=2000)
    default: str | None = Field(None, max_length=100_000)
    required: bool = False

    @field_validator("name")
    @classmethod
    def _identifier(cls, value: str) -> str:
        if not VARIABLE_NAME.match(value):
            raise ValueError("must be a letter or _ followed by letters, digits or _")
        return value


class RiskVerdict(BaseModel):
    model_config = ConfigDict(json_schema_serialization_defaults_required=True)

    level: RiskLevel
    reasons: list[str] = Field(default_factory=list)


def _clean_tags(tags: list[str]) -> list[str]:
    seen: list[str] = []
    for tag in tags:
        cleaned = tag.strip()
        if cleaned and cleaned not in seen:
            seen.append(cleaned)
    return seen


class CardFields(BaseModel):
    """The editable fields of a card, shared by create and update."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200)
    command: str = Field(min_length=1, max_length=100_000)
    description: str = Field("", max_length=20_000)
    tags: list[str] = Field(default_factory=list, max_length=50)
    shell: Shell = "bash"
    cwd: str | None = Field(None, max_length=4096)
    variables: list[Variable] = Field(default_factory=list, max_length=50)

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be blank")
        return value.strip()

    @field_validator("command")
    @classmethod
    def _command(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be blank")
        if "\x00" in value:
            raise ValueError("must not contain NUL characters")
        return value

    @field_validator("tags")
    @classmethod
    def _tags(cls, value: list[str]) -> list[str]:
        if any(len(t) > 50 for t in value):
            raise ValueError("each tag is at most 50 characters")
        return _clean_tags(value)

    @field_validator("cwd")
    @classmethod
    def _cwd(cls, value: str | None) -> str | None:
        return value.strip() or None if value is not None else None

    @model_validator(mode="after")
    def _unique_variables(self) -> CardFields:
        names = [v.name for v in self.variables]
        if len(names) != len(set(names)):
            raise ValueError("variable names must be unique")
        return self


class CardCreate(CardFields):
    """A new card: the user's own (`manual`) or one the Architect generated (with provenance)."""

    model_config = ConfigDict(json_schema_serialization_defaults_required=True)

    source: Source = "manual"
    prompt: str | None = Field(None, max_length=100_000)
    provider: str | None = Field(None, max_length=100)
    model: str | None = Field(None, max_length=200)
    ledger_id: int | None = None
    explanation: Any | None = None


class CardUpdate(BaseModel):
    """PUT body: any subset of the editable fields; omitted ones keep their value."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(None, min_length=1, max_length=200)
    command: str | None = Field(None, min_length=1, max_length=100_000)
    description: str | None = Field(None, max_length=20_000)
    tags: list[str] | None = Field(None, max_length=50)
    shell: Shell | None = None
    cwd: str | None = Field(None, max_length=4096)
    variables: list[Variable] | None = Field(None, max_length=50)

    @model_validator(mode="before")
    @classmethod
    def _read_only(cls, data: Any) -> Any:
        # A client that sends the whole card back gets told which fields it may send, rather
        # than pydantic's bare "Extra inputs are not permitted".
        if isinstance(data, dict):
            fixed = sorted(k for k in data if k in READ_ONLY_CARD_FIELDS)
            if fixed:
                raise PydanticCustomError(
                    "read_only",
                    "{fields} cannot be changed; send only {editable}",
                    {"fields": ", ".join(fixed), "editable": ", ".join(EDITABLE_CARD_FIELDS)},
                )
        return data


EDITABLE_CARD_FIELDS = tuple(CardUpdate.model_fields)
# What a card carries besides its editable fields: identity, provenance, derived values.
READ_ONLY_CARD_FIELDS = frozenset(
    {"id", "source", "prompt", "provider", "model", "ledger_id", "explanation", "risk",
     "last_run", "created_at", "updated_at"}
)  # fmt: skip


class LastRun(BaseModel):
    """The newest run of a card, enough for a status badge."""

    id: int
    status: RunStatus
    exit_code: int | None
    started_at: str
    finished_at: str | None
    duration_ms: int | None


class Card(CardCreate):
    id: int
    risk: RiskVerdict
    last_run: LastRun | None = None
    created_at: str
    updated_at: str


class Run(BaseModel):
    """One execution of a command. A negative exit_code means the process died of that signal."""

    id: int
    card_id: int | None
    command: str
    shell: str
    cwd: str | None
    status: RunStatus
    exit_code: int | None
    output: str
    truncated: bool
    output_bytes: int = Field(description="Bytes the command produced, stored or not.")
    risk_level: RiskLevel | None
    pid: int | None
    started_at: str
    finished_at: str | None
    duration_ms: int | None


class RunSummary(BaseModel):
    """A run without its output, for history lists."""

    model_config = ConfigDict(json_schema_serialization_defaults_required=True)

    id: int
    card_id: int | None
    card_name: str | None = Field(None, description="The card's name now; null for a one-off.")
    command: str
    status: RunStatus
    exit_code: int | None
    truncated: bool
    output_bytes: int
    started_at: str
    finished_at: str | None
    duration_ms: int | None


class RunRequest(BaseModel):
    """POST /api/commands/run: a saved card (with variables) or an ad-hoc command."""

    model_config = ConfigDict(extra="forbid")

    card_id: int | None = None
    command: str | None = Field(None, min_length=1, max_length=100_000)
    shell: Shell | None = None
    cwd: str | None = Field(None, max_length=4096)
    env: dict[str, str] | None = None
    timeout_s: float | None = Field(None, gt=0)
    variables: dict[str, str] | None = None
    confirm: bool = Field(False, description="Confirms a dangerous command (not a nested value).")
    confirm_token: str | None = Field(
        None,
        max_length=128,
        description="From a preview or a 409: confirms exactly that rendered command and values.",
    )

    @model_validator(mode="after")
    def _one_target(self) -> RunRequest:
        if (self.card_id is None) == (self.command is None):
            raise ValueError("give exactly one of card_id or command")
        return self


class Binding(BaseModel):
    """A value bound in the run's environment, and the placeholder it fills."""

    name: str
    env: str
    value: str


class RunPreview(BaseModel):
    """What a run request would execute: the exact command, its bindings and its risk."""

    command: str = Field(description="Exactly what runs: placeholders are env references.")
    shell: str
    bindings: list[Binding]
    effective: str = Field(description="The command with the values put in as text.")
    risk: RiskVerdict
    nested: list[str] = Field(description="Values a nested interpreter would parse as code.")
    needs_confirmation: bool
    typed_confirmation: bool = Field(description="The confirmation must be typed, not a click.")
    confirm_token: str


class AnalyzeRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    command: str = Field(min_length=1, max_length=100_000)


class ExportBundle(BaseModel):
    """The JSON file export writes and import reads."""

    model_config = ConfigDict(json_schema_serialization_defaults_required=True)

    format: Literal["forge-command-cards"] = "forge-command-cards"
    version: Literal[1] = 1
    cards: list[CardCreate]


OnDuplicate = Literal["keep", "skip", "replace", "ask"]


class ImportResult(BaseModel):
    model_config = ConfigDict(json_schema_serialization_defaults_required=True)

    created: int
    skipped: int = Field(0, description="Cards already in the deck that were left as they are.")
    replaced: int = Field(0, description="Cards already in the deck overwritten from the file.")
    cards: list[Card] = Field(description="The created and the replaced cards.")
