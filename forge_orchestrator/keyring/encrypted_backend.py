"""Secrets in the spec's `user_secrets` table, each sealed with AES-256-GCM under the master key."""

from __future__ import annotations

import threading
from collections.abc import Callable

from sqlalchemy import Engine, delete, insert, select, update

from ..db.engine import write_tx
from ..db.tables.secrets import user_secrets
from ..db.utils import utcnow
from .cipher import seal, unseal
from .errors import SecretUnreadable
from .key_check import claim_in, loaded_key, retry_once_on_conflict
from .master_key import MasterKeyHolder
from .models import SecretEntry, StorageKind
from .rotate import missing_key_error, recover_interrupted_rotation


class EncryptedBackend:
    storage: StorageKind = "encrypted-db"

    def __init__(self, engine: Engine, holder_factory: Callable[[], MasterKeyHolder]) -> None:
        self.engine = engine
        self._holder_factory = holder_factory
        self._holder: MasterKeyHolder | None = None
        self._key: bytes | None = None
        self._lock = threading.Lock()

    @property
    def holder(self) -> MasterKeyHolder:
        # Chosen on first use so starting the app never touches the OS keyring or key file.
        with self._lock:
            if self._holder is None:
                self._holder = self._holder_factory()
            return self._holder

    def _fresh_key(self) -> bytes | None:
        """Reload the key from its holder: another process (`keys rotate-master`) may have
        changed it since it was cached."""
        holder = self.holder
        recover_interrupted_rotation(self.engine, holder)
        key = loaded_key(self.engine, holder)
        self._key = key
        return key

    def entries(self) -> list[SecretEntry]:
        c = user_secrets.c
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(c.key_name, c.created_at, c.updated_at).order_by(c.key_name)
            ).all()
        return [SecretEntry(r.key_name, r.created_at, r.updated_at or r.created_at) for r in rows]

    def read(self, name: str) -> str | None:
        with self.engine.connect() as conn:
            blob = conn.execute(
                select(user_secrets.c.encrypted_value).where(user_secrets.c.key_name == name)
            ).scalar_one_or_none()
        if blob is None:
            return None
        key = self._key
        if key is not None:
            try:
                return unseal(key, name, blob)
            except SecretUnreadable:
                pass  # maybe rotated elsewhere: retry once with the key as stored now
        key = self._fresh_key()
        if key is None:
            raise missing_key_error(self.holder)
        return unseal(key, name, blob)

    def write(self, name: str, value: str) -> None:
        recover_interrupted_rotation(self.engine, self.holder)
        self._key = retry_once_on_conflict(lambda: self._write(name, value))

    def _write(self, name: str, value: str) -> bytes:
        now = utcnow()
        c = user_secrets.c
        with write_tx(self.engine) as conn:
            # Never a second key for one database (key_check.py): chosen in this transaction.
            key = claim_in(conn, self.holder)
            blob = seal(key, name, value)
            exists = conn.execute(select(c.key_name).where(c.key_name == name)).first()
            if exists:
                conn.execute(
                    update(user_secrets)
                    .where(c.key_name == name)
                    .values(encrypted_value=blob, updated_at=now)
                )
            else:
                conn.execute(
                    insert(user_secrets).values(
                        key_name=name, encrypted_value=blob, created_at=now, updated_at=now
                    )
                )
        return key

    def remove(self, name: str) -> bool:
        with write_tx(self.engine) as conn:
            result = conn.execute(delete(user_secrets).where(user_secrets.c.key_name == name))
        return bool(result.rowcount)
