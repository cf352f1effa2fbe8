"""Small helpers shared by every store: UTC timestamps and JSON columns."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from pydantic import PlainSerializer, WithJsonSchema


def utcnow() -> datetime:
    """Naive UTC, which is what SQLite stores and what every table here means by a timestamp."""
    return datetime.now(UTC).replace(tzinfo=None)


def iso(value: datetime | None) -> str | None:
    """ISO 8601 with an explicit Z, for API responses."""
    return None if value is None else value.replace(microsecond=value.microsecond).isoformat() + "Z"


def _utc_json(value: datetime) -> str:
    return value.isoformat() + "Z" if value.tzinfo is None else value.isoformat()


# For response models holding naive-UTC datetimes: JSON gets an explicit "Z", so it is a valid
# RFC 3339 date-time (what the OpenAPI schema promises) and browsers parse it as UTC.
UtcDateTime = Annotated[
    datetime,
    PlainSerializer(_utc_json, return_type=str, when_used="json"),
    WithJsonSchema({"type": "string", "format": "date-time"}, mode="serialization"),
]
