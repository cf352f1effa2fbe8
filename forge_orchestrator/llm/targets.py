"""Which provider, model, key and base URL a request goes to; says how to fix what is missing."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Literal, Protocol

from ..errors import NotConfigured
from ..vendors import registry
from ..vendors.spec import Vendor
from .provider_settings import ProvidersConfig

KeySource = Literal["keyring", "env", "none"]


class KeyStore(Protocol):
    def get(self, name: str) -> str | None: ...


@dataclass(frozen=True)
class Target:
    provider: str
    kind: str  # the vendor's name: "compatible" for every local server
    label: str
    model: str
    base_url: str
    api_key: str | None
    local: bool


def vendor_of(provider: str, cfg: ProvidersConfig) -> Vendor:
    """The spec behind ``provider``: a built-in vendor, or the local-server kind."""
    return registry.local_kind() if cfg.server(provider) is not None else registry.get(provider)


def label_of(provider: str) -> str:
    vendor = registry.find(provider)
    return vendor.label if vendor is not None and not vendor.local_servers else provider


def _env_keys(provider: str) -> tuple[str, ...]:
    vendor = registry.find(provider)
    return vendor.key_env if vendor is not None else ()


def how_to_add_key(provider: str) -> str:
    env = " or ".join(_env_keys(provider)) or "the key's environment variable"
    return (
        f"Add one in Settings, run `forge-orchestrator keys set {provider}`, "
        f"or set {env} before starting Forge."
    )


def find_key(
    provider: str, cfg: ProvidersConfig, secrets: KeyStore | None
) -> tuple[str | None, KeySource]:
    """(key, where it came from: keyring | env | none). Stored keys win over the environment."""
    name: str | None = provider
    server = cfg.server(provider)
    if server is not None:
        name = server.api_key_name
    if name and secrets is not None:
        value = secrets.get(name)
        if value:
            return value, "keyring"
    if server is None:
        for env in _env_keys(provider):
            if os.environ.get(env):
                return os.environ[env], "env"
    return None, "none"


def base_url_for(provider: str, cfg: ProvidersConfig) -> str:
    server = cfg.server(provider)
    if server is not None:
        return server.base_url
    stored = cfg.vendor(provider).base_url
    vendor = registry.get(provider)
    from_env = os.environ.get(vendor.base_url_env) if vendor.base_url_env else None
    return stored or from_env or vendor.default_base_url or ""


def is_configured(provider: str, cfg: ProvidersConfig, secrets: KeyStore | None) -> bool:
    server = cfg.server(provider)
    if server is not None:
        return server.enabled and (
            server.api_key_name is None or bool(find_key(provider, cfg, secrets)[0])
        )
    return cfg.vendor(provider).enabled and find_key(provider, cfg, secrets)[0] is not None


def infer_provider(model: str, cfg: ProvidersConfig) -> str | None:
    for server in cfg.compatible:
        if model in server.models or model == server.default_model:
            return server.name
    vendor = registry.for_model(model)
    return vendor.name if vendor is not None else None


def role_model_for(
    cfg: ProvidersConfig, provider: str | None, role_model: str | None
) -> str | None:
    """The role's default model when it fits a request naming ``provider`` (or none), else None.

    A role's model is the choice for "Default"; a provider picked by hand that does not serve it
    keeps that provider's own default instead of failing on a foreign model.
    """
    if not role_model:
        return None
    if provider is None or infer_provider(role_model, cfg) == provider:
        return role_model
    return None


def choose(
    cfg: ProvidersConfig, provider: str | None, model: str | None, secrets: KeyStore | None
) -> tuple[str, str]:
    """(provider, model) for a request, filling defaults; NotConfigured explains a gap."""
    if provider is None and model:
        provider = infer_provider(model, cfg)
        if provider is None:
            raise NotConfigured(
                f"No configured provider serves the model '{model}'. Name the provider, or add "
                "an OpenAI-compatible server that lists it in Settings → Providers."
            )
    if provider is None:
        provider = cfg.default_provider or next(
            (p for p in cfg.provider_names() if is_configured(p, cfg, secrets)), None
        )
    if provider is None:
        builtin = registry.builtin()
        raise NotConfigured(
            f"No LLM provider is configured. Add an {' or '.join(v.label for v in builtin)} key "
            f"in Settings, run `forge-orchestrator keys set {builtin[0].name}` (or "
            f"{', '.join(v.name for v in builtin[1:])}), or set "
            f"{' / '.join(v.key_env[0] for v in builtin if v.key_env)}; or add a local "
            "OpenAI-compatible server in Settings → Providers."
        )
    if provider not in cfg.provider_names():
        raise NotConfigured(
            f"There is no provider named '{provider}'. Providers: "
            f"{', '.join(cfg.provider_names())}. Add OpenAI-compatible servers in Settings → "
            "Providers."
        )
    server = cfg.server(provider)
    default = (
        (server.default_model or (server.models[0] if server.models else None))
        if server is not None
        else cfg.vendor(provider).default_model or registry.get(provider).default_model
    )
    chosen = model or default
    if not chosen:
        raise NotConfigured(
            f"No model chosen for '{provider}' and it has no default. Discover its models in "
            "Settings → Providers, or name a model."
        )
    return provider, chosen


def resolve(
    cfg: ProvidersConfig, provider: str | None, model: str | None, secrets: KeyStore | None
) -> Target:
    """The full destination of a call, key included; NotConfigured if it cannot be made."""
    name, chosen = choose(cfg, provider, model, secrets)
    server = cfg.server(name)
    label = label_of(name)
    enabled = server.enabled if server is not None else cfg.vendor(name).enabled
    if not enabled:
        raise NotConfigured(f"The {label} provider is turned off in Settings → Providers.")
    key, _source = find_key(name, cfg, secrets)
    if server is None and key is None:
        raise NotConfigured(f"No {label} API key is set. {how_to_add_key(name)}")
    if server is not None and server.api_key_name and key is None:
        raise NotConfigured(
            f"The server '{name}' needs the key '{server.api_key_name}', which is not stored. "
            f"Add it in Settings or run `forge-orchestrator keys set {server.api_key_name}`."
        )
    return Target(
        provider=name,
        kind=vendor_of(name, cfg).name,
        label=label,
        model=chosen,
        base_url=base_url_for(name, cfg),
        api_key=key,
        local=server is not None and server.local,
    )


def target_with_key(cfg: ProvidersConfig, provider: str, key: str) -> Target:
    """A destination for a key that is not stored yet (testing it before saving)."""
    server = cfg.server(provider)
    return Target(
        provider=provider,
        kind=vendor_of(provider, cfg).name,
        label=label_of(provider),
        model="",
        base_url=base_url_for(provider, cfg),
        api_key=key,
        local=server is not None and server.local,
    )


__all__ = [
    "Target",
    "choose",
    "find_key",
    "how_to_add_key",
    "resolve",
    "role_model_for",
    "target_with_key",
]
