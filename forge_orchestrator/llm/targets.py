"""Which provider, model, key and base URL a request goes to; says how to fix what is missing."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import Literal, Protocol

from ..errors import NotConfigured
from .provider_settings import DEFAULT_MODELS, VENDORS, ProvidersConfig

Kind = Literal["openai", "anthropic", "compatible"]
KeySource = Literal["keyring", "env", "none"]
LABELS = {"openai": "OpenAI", "anthropic": "Anthropic"}
ENV_KEYS = {"openai": "OPENAI_API_KEY", "anthropic": "ANTHROPIC_API_KEY"}
ENV_URLS = {"openai": "OPENAI_BASE_URL", "anthropic": "ANTHROPIC_BASE_URL"}
DEFAULT_URLS = {"openai": "https://api.openai.com/v1", "anthropic": "https://api.anthropic.com"}
_OPENAI_MODEL = re.compile(r"^(gpt-|o\d|chatgpt-)")


class KeyStore(Protocol):
    def get(self, name: str) -> str | None: ...


@dataclass(frozen=True)
class Target:
    provider: str
    kind: Kind
    label: str
    model: str
    base_url: str
    api_key: str | None
    local: bool


def how_to_add_key(provider: str) -> str:
    env = ENV_KEYS.get(provider, "the key's environment variable")
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
    env = ENV_KEYS.get(provider)
    if env and os.environ.get(env):
        return os.environ[env], "env"
    return None, "none"


def base_url_for(provider: str, cfg: ProvidersConfig) -> str:
    server = cfg.server(provider)
    if server is not None:
        return server.base_url
    stored = cfg.vendor(provider).base_url
    return stored or os.environ.get(ENV_URLS[provider]) or DEFAULT_URLS[provider]


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
    if model.startswith("claude"):
        return "anthropic"
    if _OPENAI_MODEL.match(model):
        return "openai"
    return None


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
        raise NotConfigured(
            "No LLM provider is configured. Add an OpenAI or Anthropic key in Settings, run "
            "`forge-orchestrator keys set openai` (or anthropic), or set OPENAI_API_KEY / "
            "ANTHROPIC_API_KEY; or add a local OpenAI-compatible server in Settings → Providers."
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
        else cfg.vendor(provider).default_model or DEFAULT_MODELS[provider]
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
    label = LABELS.get(name, name)
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
    kind: Kind = (
        "compatible" if server is not None else ("openai" if name == "openai" else "anthropic")
    )
    return Target(
        provider=name,
        kind=kind,
        label=label,
        model=chosen,
        base_url=base_url_for(name, cfg),
        api_key=key,
        local=server is not None and server.local,
    )


def target_with_key(cfg: ProvidersConfig, provider: str, key: str) -> Target:
    """A destination for a key that is not stored yet (testing it before saving)."""
    server = cfg.server(provider)
    kind: Kind = (
        "compatible" if server is not None else ("openai" if provider == "openai" else "anthropic")
    )
    return Target(
        provider=provider,
        kind=kind,
        label=LABELS.get(provider, provider),
        model="",
        base_url=base_url_for(provider, cfg),
        api_key=key,
        local=server is not None and server.local,
    )


__all__ = [
    "VENDORS",
    "Target",
    "choose",
    "find_key",
    "how_to_add_key",
    "resolve",
    "role_model_for",
    "target_with_key",
]
