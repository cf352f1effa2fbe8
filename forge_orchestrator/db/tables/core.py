"""Application-wide key/value settings (provider settings, UI preferences)."""

from __future__ import annotations

from sqlalchemy import JSON, Column, DateTime, String, Table

from .base import metadata

app_settings = Table(
    "app_settings",
    metadata,
    Column("key", String(200), primary_key=True),
    Column("value", JSON, nullable=False),
    Column("updated_at", DateTime, nullable=False),
)
