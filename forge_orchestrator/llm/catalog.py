"""What the model pickers show: providers with their status, and models with their prices."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel

from ..pricing.book import bundled_table
from .gateway import Gateway
from .provider_settings import DEFAULT_MODELS, VENDORS, ProvidersConfig
from .targets import LABELS, KeyStore, base_url_for, find_key, is_configured

HIDDEN_STATUSES = ("shutdown", "retired")


class ModelPrice(BaseModel):
    input_per_mtok: float
    output_per_mtok: float
    cached_input_per_mtok: float | None
    cache_write_per_mtok: float | None
    cache_write_extended_per_mtok: float | None
    source: Literal["bundled", "override", "local"]


class ModelInfo(BaseModel):
    provider: str
    model: str
    configured: bool
    is_default: bool
    status: str
    price: ModelPrice | None
    cost_status: Literal["priced", "free", "unpriced"]


class ProviderInfo(BaseModel):
    name: str
    label: str
    kind: Literal["openai", "anthropic", "compatible"]
    enabled: bool
    configured: bool
    key_source: Literal["keyring", "env", "none"]
    base_url: str
    default_model: str | None
    local: bool


class ModelCatalog(BaseModel):
    providers: list[ProviderInfo]
    models: list[ModelInfo]


def provider_infos(cfg: ProvidersConfig, secrets: KeyStore | None) -> list[ProviderInfo]:
    out = []
    for name in cfg.provider_names():
        server = cfg.server(name)
        _, source = find_key(name, cfg, secrets)
        default: str | None
        kind: Literal["openai", "anthropic", "compatible"]
        if server is None:
            vendor = cfg.vendor(name)
            default = vendor.default_model or DEFAULT_MODELS[name]
            enabled, local = vendor.enabled, False
            kind = "openai" if name == "openai" else "anthropic"
        else:
            default = server.default_model or (server.models[0] if server.models else None)
            enabled, local, kind = server.enabled, server.local, "compatible"
        out.append(
            ProviderInfo(
                name=name,
                label=LABELS.get(name, name),
                kind=kind,
                enabled=enabled,
                configured=is_configured(name, cfg, secrets),
                key_source=source,
                base_url=base_url_for(name, cfg),
                default_model=default,
                local=local,
            )
        )
    return out


def _model_names(cfg: ProvidersConfig, gw: Gateway, provider: str) -> list[tuple[str, str]]:
    """(model, status) pairs in display order, without duplicates."""
    seen: dict[str, str] = {}
    server = cfg.server(provider)
    if server is not None:
        for m in ([server.default_model] if server.default_model else []) + server.models:
            seen.setdefault(m, "available")
    else:
        for p in bundled_table().prices:
            if p.provider == provider and p.status not in HIDDEN_STATUSES:
                seen[p.model] = p.status
        for p in gw.prices.overrides():
            if p.provider == provider:
                seen.setdefault(p.model, "custom")
    return list(seen.items())


def catalog(gw: Gateway) -> ModelCatalog:
    cfg = gw.providers.get()
    providers = provider_infos(cfg, gw.secrets())
    models = []
    for info in providers:
        for model, status in _model_names(cfg, gw, info.name):
            price = gw.prices.lookup(info.name, model)
            models.append(
                ModelInfo(
                    provider=info.name,
                    model=model,
                    configured=info.configured,
                    is_default=model == info.default_model,
                    status=status,
                    price=None
                    if price is None
                    else ModelPrice(
                        input_per_mtok=price.input_per_mtok,
                        output_per_mtok=price.output_per_mtok,
                        cached_input_per_mtok=price.cached_input_per_mtok,
                        cache_write_per_mtok=price.cache_write_per_mtok,
                        cache_write_extended_per_mtok=price.cache_write_extended_per_mtok,
                        source=price.source,
                    ),
                    cost_status="unpriced"
                    if price is None
                    else ("free" if price.source == "local" else "priced"),
                )
            )
    return ModelCatalog(providers=providers, models=models)


__all__ = ["VENDORS", "ModelCatalog", "ModelInfo", "ProviderInfo", "catalog", "provider_infos"]
