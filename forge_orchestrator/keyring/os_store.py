"""Secrets in the OS keyring; names and timestamps are indexed in `app_settings`, never values.

OS keyrings cannot list their entries portably, so the index is what `keys list` reads.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, insert, select, update

from ..db.engine import write_tx
from ..db.tables.core import app_settings
from ..db.utils import utcnow
from .models import SecretEntry, StorageKind
from .os_backend import OsKeyring

INDEX_KEY = "keyring.os_index"


class OsKeyringBackend:
    storage: StorageKind = "os-keyring"

    def __init__(self, engine: Engine, os_keyring: OsKeyring) -> None:
        self.engine = engine
        self.os_keyring = os_keyring

    def _index(self) -> dict[str, Any]:
        with self.engine.connect() as conn:
            return _load(conn)[0]

    def entries(self) -> list[SecretEntry]:
        out = []
        for name, meta in sorted(self._index().items()):
            created = datetime.fromisoformat(meta["created_at"])
            out.append(SecretEntry(name, created, datetime.fromisoformat(meta["updated_at"])))
        return out

    def read(self, name: str) -> str | None:
        # Only names this data dir stored count, so the listing and the gateway always agree.
        if name not in self._index():
            return None
        return self.os_keyring.get(name)

    def write(self, name: str, value: str) -> None:
        self.os_keyring.set(name, value)
        now = utcnow().isoformat()
        with write_tx(self.engine) as conn:
            index, exists = _load(conn)
            previous = index.get(name) or {"created_at": now}
            index[name] = {"created_at": previous["created_at"], "updated_at": now}
            _save(conn, index, exists=exists)

    def remove(self, name: str) -> bool:
        removed = self.os_keyring.delete(name)
        with write_tx(self.engine) as conn:
            index, exists = _load(conn)
            listed = index.pop(name, None) is not None
            _save(conn, index, exists=exists)
        return removed or listed


def _load(conn: Connection) -> tuple[dict[str, Any], bool]:
    row = conn.execute(select(app_settings.c.value).where(app_settings.c.key == INDEX_KEY)).first()
    if row is None:
        return {}, False
    return (dict(row.value) if isinstance(row.value, dict) else {}), True


def _save(conn: Connection, index: dict[str, Any], *, exists: bool) -> None:
    values = {"value": index, "updated_at": utcnow()}
    if exists:
        conn.execute(update(app_settings).where(app_settings.c.key == INDEX_KEY).values(**values))
    else:
        conn.execute(insert(app_settings).values(key=INDEX_KEY, **values))
