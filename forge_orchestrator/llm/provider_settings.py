"""Per-provider settings (enabled, base URL, default model, local servers) in app_settings."""

from __future__ import annotations

import threading
from typing import Any
from urllib.parse import urlsplit

from pydantic import BaseModel, Field, field_validator, model_validator
from sqlalchemy import Engine, insert, select, update

from ..db.engine import write_tx
from ..db.tables import app_settings
from ..db.utils import utcnow
from ..errors import NotConfigured

SETTINGS_KEY = "providers"
VENDORS = ("openai", "anthropic")
NAME_PATTERN = r"^[a-z][a-z0-9_-]{0,39}$"
DEFAULT_MODELS = {"openai": "gpt-6.2-sol", "anthropic": "claude-sonnet-5-5"}


def check_base_url(value: str | None) -> str | None:
    if value is None or not value.strip():
        return None
    value = value.strip().rstrip("/")
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError("must be an http:// or https:// URL")
    return value


class VendorSettings(BaseModel):
    enabled: bool = True
    base_url: str | None = Field(None, max_length=500, description="None: env var, then vendor's")
    default_model: str | None = Field(None, max_length=200)

    @field_validator("base_url")
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        return check_base_url(value)


class CompatibleServer(BaseModel):
    """An OpenAI-compatible server (Ollama, llama.cpp, vLLM, LM Studio) reached by base URL."""

    name: str = Field(pattern=NAME_PATTERN, description="also the provider name on ledger rows")
    base_url: str = Field(max_length=500)
    api_key_name: str | None = Field(
        None, max_length=200, description="name of the stored key to send, if the server needs one"
    )
    enabled: bool = True
    local: bool = Field(True, description="local/free: models without a price cost 0")
    default_model: str | None = Field(None, max_length=200)
    models: list[str] = Field(default_factory=list, max_length=2000)

    @field_validator("base_url")
    @classmethod
    def _url(cls, value: str) -> str:
        checked = check_base_url(value)
        if checked is None:
            raise ValueError("is required")
        return checked


class ProvidersConfig(BaseModel):
    openai: VendorSettings = Field(default_factory=VendorSettings)
    anthropic: VendorSettings = Field(default_factory=VendorSettings)
    compatible: list[CompatibleServer] = Field(default_factory=list, max_length=50)
    default_provider: str | None = Field(
        None, max_length=40, description="used when a call names no provider and no model"
    )

    @model_validator(mode="after")
    def _unique_names(self) -> ProvidersConfig:
        names = [s.name for s in self.compatible]
        clash = sorted({n for n in names if names.count(n) > 1 or n in VENDORS})
        if clash:
            raise ValueError(f"server names must be unique and not openai/anthropic: {clash}")
        known = {*VENDORS, *names}
        if self.default_provider is not None and self.default_provider not in known:
            raise ValueError(f"default_provider '{self.default_provider}' is not a provider")
        return self

    def server(self, name: str) -> CompatibleServer | None:
        return next((s for s in self.compatible if s.name == name), None)

    def vendor(self, name: str) -> VendorSettings:
        # An unknown name used to get Anthropic's settings silently; it is a caller's mistake.
        if name == "openai":
            return self.openai
        if name == "anthropic":
            return self.anthropic
        raise NotConfigured(f"'{name}' is not a built-in provider ({', '.join(VENDORS)}).")

    def provider_names(self) -> list[str]:
        return [*VENDORS, *(s.name for s in self.compatible)]

    def is_local(self, provider: str) -> bool:
        srv = self.server(provider)
        return srv is not None and srv.local


class ProviderSettingsStore:
    """Reads once, then serves from memory; writes go to the database and refresh the copy."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._cached: ProvidersConfig | None = None
        self._lock = threading.Lock()

    def get(self) -> ProvidersConfig:
        cached = self._cached
        if cached is None:
            with self._engine.connect() as conn:
                value: Any = conn.execute(
                    select(app_settings.c.value).where(app_settings.c.key == SETTINGS_KEY)
                ).scalar()
            cached = ProvidersConfig.model_validate(value or {})
            with self._lock:
                self._cached = cached
        return cached

    def put(self, config: ProvidersConfig) -> ProvidersConfig:
        data = config.model_dump(mode="json")
        now = utcnow()
        with write_tx(self._engine) as conn:
            exists = conn.execute(
                select(app_settings.c.key).where(app_settings.c.key == SETTINGS_KEY)
            ).first()
            if exists:
                conn.execute(
                    update(app_settings)
                    .where(app_settings.c.key == SETTINGS_KEY)
                    .values(value=data, updated_at=now)
                )
            else:
                conn.execute(
                    insert(app_settings).values(key=SETTINGS_KEY, value=data, updated_at=now)
                )
        with self._lock:
            self._cached = config
        return config
