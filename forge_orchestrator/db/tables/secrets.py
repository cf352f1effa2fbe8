"""The spec's user_secrets table: AES-GCM encrypted values keyed by name."""

from __future__ import annotations

from sqlalchemy import Column, DateTime, LargeBinary, String, Table

from .base import metadata

user_secrets = Table(
    "user_secrets",
    metadata,
    Column("key_name", String(200), primary_key=True),
    Column("encrypted_value", LargeBinary, nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("updated_at", DateTime, nullable=False),
)
