"""The one frozen settings object, read from flags and FORGE_* environment variables."""

from __future__ import annotations

import getpass
import os
import socket
from pathlib import Path
from typing import Literal

import platformdirs
from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

MIN_TOKEN_LENGTH = 32


def default_data_dir() -> Path:
    return Path(platformdirs.user_data_dir("forge-orchestrator", appauthor=False))


def default_user() -> str:
    """The OS user name (what the ledger's team view shows when FORGE_USER is not set)."""
    try:
        name = getpass.getuser()
    except (OSError, KeyError):  # a uid with no passwd entry (some containers)
        name = f"uid-{os.getuid()}" if hasattr(os, "getuid") else "unknown"
    return name[:100] or "unknown"


def default_machine() -> str:
    return socket.gethostname()[:255] or "unknown"


class Settings(BaseSettings):
    """Every knob Forge has. The README's configuration table lists each field (a test checks)."""

    model_config = SettingsConfigDict(env_prefix="FORGE_", frozen=True, extra="ignore")

    host: str = Field("127.0.0.1", description="Address to bind. Keep loopback unless you mean it.")
    port: int = Field(
        8080, ge=0, le=65535, description="Port to bind; a taken port falls back to a free one."
    )
    data_dir: Path = Field(
        default_factory=default_data_dir,
        description="Where the database, access token and encrypted key file live.",
    )
    database_url: str | None = Field(
        None, description="Any SQLAlchemy URL; default is SQLite at <data_dir>/forge.db."
    )
    db_busy_timeout_s: float = Field(
        30.0,
        ge=0,
        le=3600,
        description="How long a write waits for another program's lock on the SQLite file "
        "before the request fails with 503 database_busy.",
    )
    token: SecretStr | None = Field(
        None,
        description="API token for scripts (Bearer), at least 32 characters; default is a random "
        "one stored in <data_dir>/token (0600).",
    )
    allow_remote: bool = Field(
        False,
        description="Accept any Host header (needed to serve beyond loopback). Prints a warning.",
    )
    allowed_hosts: list[str] = Field(
        default_factory=list,
        description="Extra Host names accepted besides loopback (env: a JSON list).",
    )
    allowed_origins: list[str] = Field(
        default_factory=list,
        description="Extra browser origins allowed to call the API (env: a JSON list).",
    )
    open_browser: bool = Field(True, description="Open the app in a browser when `serve` starts.")
    log_level: Literal["debug", "info", "warning", "error"] = Field(
        "info", description="Log verbosity."
    )
    max_body_bytes: int = Field(
        5 * 1024 * 1024, ge=1024, description="Largest request body accepted; larger gets 413."
    )
    import_max_cards: int = Field(
        5000, ge=1, description="Most command cards one import may hold; more gets 413."
    )
    keyring: Literal["auto", "encrypted"] = Field(
        "auto",
        description="auto: OS keyring when a secure one exists, else encrypted in the database; "
        "encrypted: always the encrypted database table.",
    )
    master_key_file: Path | None = Field(
        None,
        description="The master key file for secrets encrypted in the database; default is "
        "<data_dir>/master.key (or the OS keyring). Forge processes sharing one database "
        "(team mode) point this at one copy of the same key; created (0600) if missing.",
    )
    llm_connect_timeout_s: float = Field(
        10.0, gt=0, description="Connect timeout for LLM providers."
    )
    llm_read_timeout_s: float = Field(120.0, gt=0, description="Read timeout for LLM providers.")
    llm_max_retries: int = Field(
        2,
        ge=0,
        le=10,
        description="Retries on 429, 5xx and connection errors (exponential backoff).",
    )
    command_default_timeout_s: float = Field(
        300.0, gt=0, description="Default timeout of a command run."
    )
    command_max_timeout_s: float = Field(
        3600.0, gt=0, description="Cap on any command run's timeout."
    )
    command_output_cap_bytes: int = Field(
        1024 * 1024, ge=1024, description="Stored output per run; head and tail are kept beyond it."
    )
    flow_max_parallel: int = Field(
        4, ge=1, le=64, description="Default parallel nodes per flow run."
    )
    lease_s: float = Field(
        15.0,
        ge=0.3,
        le=3600,
        description="How long a server's hold on its runs lasts without a heartbeat (renewed every "
        "third of it); after that another server sharing the database recovers them.",
    )
    terminal_idle_timeout_s: float = Field(
        3600.0, gt=0, description="A detached terminal session ends after this long."
    )
    terminal_scrollback_bytes: int = Field(
        1024 * 1024, ge=4096, description="Scrollback replayed when a terminal is re-attached."
    )

    capture_calls: bool = Field(
        True,
        description="Keep each LLM call's prompt and answer (keys redacted) for the Ledger's "
        "call detail view.",
    )
    capture_max_bytes: int = Field(
        64 * 1024,
        ge=1024,
        description="Stored bytes per side (prompt, answer) of a captured call; the rest is cut "
        "with a marker.",
    )
    capture_retention_days: int = Field(
        30,
        ge=1,
        description="Captured prompts and answers older than this are deleted (at start-up "
        "and hourly); the ledger rows stay.",
    )
    user: str = Field(
        default_factory=default_user,
        min_length=1,
        max_length=100,
        description="Who this Forge records as the caller on each ledger row (the Ledger's "
        "user filter and 'by user' summary); default is the OS user name.",
    )
    machine: str = Field(
        default_factory=default_machine,
        min_length=1,
        max_length=255,
        description="The machine this Forge records on each ledger row (the Ledger's machine "
        "filter and 'by machine' summary); default is the host name.",
    )

    @field_validator("token")
    @classmethod
    def _token_long_enough(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and len(value.get_secret_value().strip()) < MIN_TOKEN_LENGTH:
            raise ValueError(
                f"FORGE_TOKEN must be at least {MIN_TOKEN_LENGTH} characters (it has "
                f"{len(value.get_secret_value().strip())}); unset it to use a random one, or "
                "generate one with: python -c 'import secrets; print(secrets.token_urlsafe(32))'"
            )
        return value

    @property
    def resolved_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'forge.db'}"
