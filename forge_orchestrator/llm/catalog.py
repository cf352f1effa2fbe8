"""What the model pickers show: providers with their status, and models with their prices."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from ..pricing.book import bundled_table
from ..vendors import registry
from .gateway import Gateway
from .provider_settings import ProvidersConfig
from .targets import KeyStore, base_url_for, find_key, is_configured, label_of, vendor_of

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


class VendorInfo(BaseModel):
    """What the Settings screen and the pickers show about one vendor (from its spec)."""

    name: str
    label: str
    local_servers: bool = Field(description="many user-named servers of this kind")
    key_env: list[str] = Field(description="environment variables a key may come from")
    base_url_env: str | None
    default_base_url: str | None
    default_model: str | None
    needs_base_url: bool
    key_hint: str
    key_url: str | None
    help: str
    models: str | None = Field(description="regular expression for the model ids it serves")
    tokenizer: str | None = Field(description="tokenizer that counts exactly; None: estimate")


class ProviderInfo(BaseModel):
    name: str
    label: str
    kind: str = Field(description="the vendor's name (VendorInfo.name); compatible servers")
    enabled: bool
    configured: bool
    key_source: Literal["keyring", "env", "none"]
    base_url: str
    default_model: str | None
    local: bool


class ModelCatalog(BaseModel):
    providers: list[ProviderInfo]
    models: list[ModelInfo]
    vendors: list[VendorInfo]


def vendor_infos() -> list[VendorInfo]:
    return [
        VendorInfo(
            name=v.name,
            label=v.label,
            local_servers=v.local_servers,
            key_env=list(v.key_env),
            base_url_env=v.base_url_env,
            default_base_url=v.default_base_url,
            default_model=v.default_model,
            needs_base_url=v.needs_base_url,
            key_hint=v.key_hint,
            key_url=v.key_url,
            help=v.help,
            models=v.models,
            tokenizer=v.tokenizer,
        )
        for v in registry.all()
    ]


def provider_infos(cfg: ProvidersConfig, secrets: KeyStore | None) -> list[ProviderInfo]:
    out = []
    for name in cfg.provider_names():
        server = cfg.server(name)
        _, source = find_key(name, cfg, secrets)
        default: str | None
        if server is None:
            vendor = cfg.vendor(name)
            default = vendor.default_model or registry.get(name).default_model
            enabled, local = vendor.enabled, False
        else:
            default = server.default_model or (server.models[0] if server.models else None)
            enabled, local = server.enabled, server.local
        out.append(
            ProviderInfo(
                name=name,
                label=label_of(name),
                kind=vendor_of(name, cfg).name,
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
    return ModelCatalog(providers=providers, models=models, vendors=vendor_infos())


__all__ = [
    "ModelCatalog",
    "ModelInfo",
    "ProviderInfo",
    "VendorInfo",
    "catalog",
    "provider_infos",
    "vendor_infos",
]
