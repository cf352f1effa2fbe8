"""What the keys API does: list every relevant name with its status, and test a stored key."""

from __future__ import annotations

import inspect
import os
from dataclasses import dataclass
from typing import Any

from starlette.concurrency import run_in_threadpool

from ..errors import NotConfigured, ValidationFailed
from ..llm.targets import ENV_KEYS
from .models import SecretInfo, StorageKind, validate_name
from .store import SecretStore

WELL_KNOWN = {"openai": "openai", "anthropic": "anthropic"}


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
    var = ENV_KEYS.get(key_providers.get(name) or "") if name in WELL_KNOWN else None
    return var if var and os.environ.get(var) else None


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
            "Provider keys are openai, anthropic and the configured local servers."
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
    """Key name → provider name: the well-known providers plus one per OpenAI-compatible server
    (its `api_key_name`, or its own name when it has none yet)."""
    from ..llm.provider_settings import ProviderSettingsStore

    # The gateway's store serves a cached copy; without a gateway, read the table directly.
    settings_store = getattr(getattr(state, "gateway", None), "providers", None)
    if not isinstance(settings_store, ProviderSettingsStore):
        settings_store = ProviderSettingsStore(state.engine)
    out = dict(WELL_KNOWN)
    for server in settings_store.get().compatible:
        out.setdefault(server.api_key_name or server.name, server.name)
    return out
