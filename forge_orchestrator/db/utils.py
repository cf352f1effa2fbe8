"""Small helpers shared by every store: UTC timestamps and JSON columns."""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    """Naive UTC, which is what SQLite stores and what every table here means by a timestamp."""
    return datetime.now(UTC).replace(tzinfo=None)


def iso(value: datetime | None) -> str | None:
    """ISO 8601 with an explicit Z, for API responses."""
    return None if value is None else value.replace(microsecond=value.microsecond).isoformat() + "Z"
