"""What the keys API does: list every relevant name with its status, and test a stored key."""

from __future__ import annotations

import inspect
import os
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from starlette.concurrency import run_in_threadpool

from ..db.tables import app_settings
from ..errors import NotConfigured, ValidationFailed
from ..vendors import registry
from .models import SecretInfo, StorageKind, validate_name
from .store import SecretStore

# The app_settings row the provider settings live in (llm/provider_settings.py writes it).
PROVIDERS_SETTINGS_KEY = "providers"


def well_known() -> dict[str, str]:
    """Key name → provider for every built-in vendor (a vendor's key is stored under its name)."""
    return {name: name for name in registry.builtin_names()}


@dataclass(frozen=True)
class KeyRow:
    name: str
    provider: str | None
    configured: bool
    storage: StorageKind
    masked: str | None
    updated_at: Any
    problem: str | None
    # The environment variable that supplies this key when none is stored (its name only).
    env_var: str | None = None


def env_var(name: str, key_providers: dict[str, str]) -> str | None:
    """The variable (e.g. OPENAI_API_KEY) set in the server's environment for this key, if any."""
    provider = key_providers.get(name)
    vendor = registry.find(provider or "") if name in well_known() else None
    if vendor is None:
        return None
    return next((var for var in vendor.key_env if os.environ.get(var)), None)


def key_rows(store: SecretStore, key_providers: dict[str, str]) -> list[KeyRow]:
    """Provider keys first (set or not), then every other stored name."""
    stored = {info.name: info for info in store.list()}
    names = list(key_providers) + sorted(n for n in stored if n not in key_providers)
    rows = []
    for name in names:
        info: SecretInfo | None = stored.get(name)
        rows.append(
            KeyRow(
                name=name,
                provider=key_providers.get(name),
                configured=info is not None,
                storage=store.storage,
                masked=info.masked if info else None,
                updated_at=info.updated_at if info else None,
                problem=info.problem if info else None,
                env_var=env_var(name, key_providers),
            )
        )
    return rows


def key_row(store: SecretStore, key_providers: dict[str, str], name: str) -> KeyRow:
    return next(r for r in key_rows(store, key_providers) if r.name == name)


async def test_key(
    store: SecretStore, gateway: Any, key_providers: dict[str, str], name: str
) -> tuple[str, int]:
    """List the provider's models with the stored key (else the environment's); returns
    (provider, model count).

    Provider failures propagate as ProviderError/ProviderTimeout with the provider's message."""
    validate_name(name)
    provider = key_providers.get(name)
    if provider is None:
        raise ValidationFailed(
            f"'{name}' is not a provider key, so there is nothing to test it against. "
            f"Provider keys are {', '.join(registry.builtin_names())} and the configured local "
            "servers."
        )
    # As a call would: a stored key wins, else the environment's.
    value = await run_in_threadpool(store.get, name)
    var = env_var(name, key_providers)
    if value is None and var is not None:
        value = os.environ[var]
    if value is None:
        raise NotConfigured(
            f"No key named '{name}' is stored. Set it in Settings or run "
            f"`forge-orchestrator keys set {name}`."
        )
    if gateway is None:
        raise NotConfigured("The LLM gateway is not running, so the key cannot be tested.")
    result = gateway.list_models(provider, api_key=value)
    models = await result if inspect.isawaitable(result) else result
    return provider, len(models)


def key_providers(state: Any) -> dict[str, str]:
    """Key name → provider name: the built-in vendors plus one per OpenAI-compatible server
    (its `api_key_name`, or its own name when it has none yet)."""
    out = well_known()
    for name, key_name in _servers(state):
        out.setdefault(key_name or name, name)
    return out


def _servers(state: Any) -> list[tuple[str, str | None]]:
    """(name, api_key_name) of each local server. The gateway's settings store serves a
    cached copy; without a gateway, the stored JSON is read directly (keyring sits below llm)."""
    store = getattr(getattr(state, "gateway", None), "providers", None)
    if store is not None:
        return [(s.name, s.api_key_name) for s in store.get().compatible]
    with state.engine.connect() as conn:
        value = conn.execute(
            select(app_settings.c.value).where(app_settings.c.key == PROVIDERS_SETTINGS_KEY)
        ).scalar()
    servers = value.get("compatible", []) if isinstance(value, dict) else []
    return [
        (str(s["name"]), s.get("api_key_name"))
        for s in servers
        if isinstance(s, dict) and isinstance(s.get("name"), str)
    ]
