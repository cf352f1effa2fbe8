"""What "Default" means in the Architect's model picker: the role's model, else the provider's."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from ..db.service import Database
from ..errors import NotConfigured
from ..llm.provider_settings import ProvidersConfig
from ..llm.roles import find_role
from ..llm.targets import KeyStore, choose, infer_provider, role_model_for

AGENT_ROLE = "architect"


class DefaultModel(BaseModel):
    """The provider and model a request with no model named goes to."""

    provider: str | None = Field(description="None when no provider is configured.")
    model: str | None
    source: Literal["role", "provider", "none"] = Field(
        description="role: the architect role's default model; provider: the provider's default."
    )
    role_model: str | None = Field(description="The architect role's default model, if any.")


async def default_model(
    db: Database, cfg: ProvidersConfig, secrets: KeyStore | None, provider: str | None
) -> DefaultModel:
    role = await find_role(db, AGENT_ROLE)
    role_model = role.default_model if role else None
    fitted = role_model_for(cfg, provider, role_model)
    if fitted:
        return DefaultModel(
            provider=provider or infer_provider(fitted, cfg),
            model=fitted,
            source="role",
            role_model=role_model,
        )
    try:
        # Which provider is configured may read the keyring: not on the event loop.
        chosen, model = await run_in_threadpool(choose, cfg, provider, None, secrets)
    except NotConfigured:
        return DefaultModel(provider=provider, model=None, source="none", role_model=role_model)
    return DefaultModel(provider=chosen, model=model, source="provider", role_model=role_model)
