"""Per-provider settings (enabled, base URL, default model, local servers) in app_settings."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from pydantic import (
    BaseModel,
    Field,
    ValidationError,
    create_model,
    field_validator,
    model_validator,
)
from sqlalchemy import Connection, Engine, insert, select, update

from ..db.engine import write_tx
from ..db.service import Database
from ..db.tables import app_settings
from ..db.upsert import dialect_insert
from ..db.utils import utcnow
from ..errors import NotConfigured
from ..memory import Remembered
from ..vendors import registry

SETTINGS_KEY = "providers"
NAME_PATTERN = r"^[a-z][a-z0-9_-]{0,39}$"


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


class ProvidersBase(BaseModel):
    """Settings of every provider: one VendorSettings field per built-in vendor (added by
    ``ProvidersConfig`` below, so the stored JSON keeps its ``{"openai": {...}}`` shape)."""

    compatible: list[CompatibleServer] = Field(default_factory=list, max_length=50)
    default_provider: str | None = Field(
        None, max_length=40, description="used when a call names no provider and no model"
    )

    @model_validator(mode="after")
    def _unique_names(self) -> ProvidersBase:
        builtin = registry.builtin_names()
        names = [s.name for s in self.compatible]
        taken = sorted({n for n in names if n in builtin})
        if taken:
            labels = ", ".join(f"'{n}' ({registry.get(n).label})" for n in taken)
            raise ValueError(
                f"a local server may not use the name of a built-in provider: {labels}; "
                "rename the server in Settings → Providers"
            )
        clash = sorted({n for n in names if names.count(n) > 1})
        if clash:
            raise ValueError(f"server names must be unique: {clash}")
        known = {*builtin, *names}
        if self.default_provider is not None and self.default_provider not in known:
            raise ValueError(f"default_provider '{self.default_provider}' is not a provider")
        return self

    def server(self, name: str) -> CompatibleServer | None:
        return next((s for s in self.compatible if s.name == name), None)

    def vendor(self, name: str) -> VendorSettings:
        # An unknown name used to get Anthropic's settings silently; it is a caller's mistake.
        if name not in registry.builtin_names():
            raise NotConfigured(
                f"'{name}' is not a built-in provider ({', '.join(registry.builtin_names())})."
            )
        settings: VendorSettings = getattr(self, name)
        return settings

    def provider_names(self) -> list[str]:
        return [*registry.builtin_names(), *(s.name for s in self.compatible)]

    def is_local(self, provider: str) -> bool:
        srv = self.server(provider)
        return srv is not None and srv.local


if TYPE_CHECKING:

    class ProvidersConfig(ProvidersBase):
        def __getattr__(self, name: str) -> VendorSettings: ...

else:
    ProvidersConfig = create_model(
        "ProvidersConfig",
        __base__=ProvidersBase,
        __doc__="Settings of every provider, one field per built-in vendor.",
        **{
            v.name: (VendorSettings, Field(default_factory=VendorSettings))
            for v in registry.builtin()
        },
    )


def read_config(conn: Connection) -> ProvidersConfig:
    value: Any = conn.execute(
        select(app_settings.c.value).where(app_settings.c.key == SETTINGS_KEY)
    ).scalar()
    return load(value)


def write_config(conn: Connection, config: ProvidersConfig) -> ProvidersConfig:
    """Store the settings: one upsert, so two first saves at once on PostgreSQL do not both
    find no row and collide on the key (a 500); the later one wins, as with SQLite."""
    values = {"key": SETTINGS_KEY, "value": config.model_dump(mode="json"), "updated_at": utcnow()}
    dialect = conn.dialect.name
    if dialect in ("sqlite", "postgresql"):
        stmt = dialect_insert(dialect, app_settings)
        conn.execute(
            stmt.values(**values).on_conflict_do_update(
                index_elements=["key"],
                set_={"value": stmt.excluded.value, "updated_at": stmt.excluded.updated_at},
            )
        )
        return config
    where = app_settings.c.key == SETTINGS_KEY
    if conn.execute(select(app_settings.c.key).where(where).with_for_update()).first():
        conn.execute(update(app_settings).where(where).values(**values))
    else:
        conn.execute(insert(app_settings).values(**values))
    return config


class ProviderSettingsStore:
    """Served from memory (memory.Remembered) until a write here forgets the copy.

    Kept without a time limit: async routes and pricing read it on the event loop, where a
    re-read every few seconds would wait on the database. Only this process writes it. Async
    code loads it with :meth:`current` (through the database service) and saves it with
    :meth:`save`; :meth:`get` reads on its own connection only when nothing loaded it yet."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._memory: Remembered[str, ProvidersConfig] = Remembered(ttl_s=math.inf)

    def get(self) -> ProvidersConfig:
        hit, cached = self._memory.recall(SETTINGS_KEY)
        if hit and cached is not None:
            return cached
        generation = self._memory.generation
        with self._engine.connect() as conn:
            config = read_config(conn)
        self._memory.keep(SETTINGS_KEY, config, generation)
        return config

    async def current(self, db: Database) -> ProvidersConfig:
        """:meth:`get` for async code: from memory, else one read through the service."""
        hit, cached = self._memory.recall(SETTINGS_KEY)
        if hit and cached is not None:
            return cached
        generation = self._memory.generation
        config = await db.read(read_config)
        self._memory.keep(SETTINGS_KEY, config, generation)
        return config

    async def save(self, db: Database, config: ProvidersConfig) -> ProvidersConfig:
        """Store the settings through the service; the copy in memory is forgotten once the
        write has committed and read again (through the service)."""
        with self._memory.forgetting():
            await db.write(lambda c: write_config(c, config))
        return await self.current(db)

    def put(self, config: ProvidersConfig) -> ProvidersConfig:
        """:meth:`save` for code outside the event loop (tests, a command line)."""
        with self._memory.forgetting(), write_tx(self._engine) as conn:
            return write_config(conn, config)


def load(value: Any) -> ProvidersConfig:
    """The stored JSON as settings. A local server saved before a built-in vendor of the same
    name existed cannot be told apart from it: say so, rather than route its calls wrongly."""
    try:
        return ProvidersConfig.model_validate(value or {})
    except ValidationError as exc:
        problems = [e["msg"] for e in exc.errors() if "built-in provider" in e["msg"]]
        if not problems:
            raise
        raise NotConfigured(
            "The saved provider settings have a local server named like a built-in provider. "
            "Rename or remove it in Settings → Providers (PUT /api/settings/providers).",
            details={"problems": problems},
        ) from None
