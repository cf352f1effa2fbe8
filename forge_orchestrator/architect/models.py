"""Request and response shapes of the Architect API."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator

from ..commands.models import Card
from .parse import AnswerFormat, ExplanationPart
from .prompts import Shell


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be blank")
    return value


class GenerateRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    prompt: str = Field(min_length=1, max_length=20_000, description="What the command should do.")
    provider: str | None = Field(None, max_length=100, description="Default: the configured one.")
    model: str | None = Field(
        None,
        max_length=200,
        description="Default: the architect role's default model when it fits the provider, "
        "else the provider's default.",
    )
    shell: Shell = "bash"
    os: str | None = Field(None, max_length=100, description="Default: the server's OS.")
    cwd: str | None = Field(None, max_length=4096, description="Working directory, for context.")

    _prompt = field_validator("prompt")(_not_blank)


class ReviseRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    card_id: int
    feedback: str = Field(min_length=1, max_length=20_000)
    provider: str | None = Field(None, max_length=100, description="Default: the card's provider.")
    model: str | None = Field(
        None,
        max_length=200,
        description="Default: the card's model if it was picked by hand, else the architect "
        "role's default model, else the card's model.",
    )
    replace: bool = Field(
        False,
        description="False: the revision is a new card and the original stays. "
        "True: the revision is a new card and the original card is deleted.",
    )

    _feedback = field_validator("feedback")(_not_blank)


class GenerationUsage(BaseModel):
    input_tokens: int
    output_tokens: int
    total_cost_usd: float | None = Field(description="None when the model's price is unknown.")
    latency_ms: int
    usage_source: str = Field(description="provider, or estimated when the provider sent none.")


class Revision(BaseModel):
    """How a revision relates to the card it revised."""

    previous_card_id: int
    previous_deleted: bool = Field(description="True when the original card was replaced.")
    feedback: str


class Generation(BaseModel):
    """A suggestion, already stored as a command card (source "architect")."""

    # A response always carries its defaulted fields: the OpenAPI says so (required).
    model_config = ConfigDict(json_schema_serialization_defaults_required=True)

    card: Card
    explanation: list[ExplanationPart]
    assumptions: list[str]
    usage: GenerationUsage
    ledger_id: int
    provider: str
    model: str
    shell: Shell = Field(description="The shell the command was written for.")
    os: str
    answer_format: AnswerFormat
    revision: Revision | None = None
