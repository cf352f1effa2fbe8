"""One master key per database: a check value (an HMAC of a constant) tells a process whether its
key is the one the stored secrets were sealed with, and stops it from making a second key.

Several Forge processes may share a database (team mode, issue #17). Each would otherwise make
its own key in its own data dir, after which each reads only its own secrets. The check value
is ``HMAC-SHA256(key, CONSTANT)`` in ``app_settings``: it reveals nothing about the key, and it
moves with the key in the rotation's transaction.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine, insert, select, update
from sqlalchemy.exc import IntegrityError

from ..db.tables.core import app_settings
from ..db.tables.secrets import user_secrets
from ..db.utils import utcnow
from .cipher import unseal
from .errors import MasterKeyMismatch, SecretUnreadable
from .master_key import MasterKeyHolder

T = TypeVar("T")
CHECK_KEY = "keyring.master_key_check"
_CONSTANT = b"forge-orchestrator master key check v1"
SHARE_HINT = (
    "Every Forge that shares this database needs the same master key: copy the key file of the "
    "Forge that stored the secrets (its <data dir>/master.key, mode 0600) to this machine and "
    "set FORGE_MASTER_KEY_FILE to its path, then restart."
)


def check_value(key: bytes) -> str:
    return hmac.new(key, _CONSTANT, hashlib.sha256).hexdigest()


def stored_check(conn: Connection, *, for_update: bool = False) -> str | None:
    stmt = select(app_settings.c.value).where(app_settings.c.key == CHECK_KEY)
    # FOR UPDATE: on PostgreSQL two processes storing a secret at once take turns here.
    value = conn.execute(stmt.with_for_update() if for_update else stmt).scalar_one_or_none()
    return str(value["check"]) if isinstance(value, dict) and "check" in value else None


def save_check(conn: Connection, key: bytes) -> None:
    """Record ``key`` as the database's master key, in the caller's transaction."""
    values: dict[str, Any] = {"value": {"check": check_value(key)}, "updated_at": utcnow()}
    found = conn.execute(select(app_settings.c.key).where(app_settings.c.key == CHECK_KEY)).first()
    if found:
        conn.execute(update(app_settings).where(app_settings.c.key == CHECK_KEY).values(**values))
    else:
        conn.execute(insert(app_settings).values(key=CHECK_KEY, **values))


def matches(check: str | None, key: bytes) -> bool:
    return check is None or hmac.compare_digest(check, check_value(key))


def other_key_error(
    holder: MasterKeyHolder, *, have_key: bool, check: str | None
) -> MasterKeyMismatch:
    mine = (
        f"The master key at {holder.location} is not the one"
        if have_key
        else f"There is no master key at {holder.location}, and Forge will not create a second one:"
    )
    tag = f" (key check {check[:8]})" if check else ""
    return MasterKeyMismatch(
        f"{mine} this database's secrets were encrypted with{tag}. {SHARE_HINT}",
        details={"location": holder.location, "key_check": check[:8] if check else None},
    )


def loaded_key(engine: Engine, holder: MasterKeyHolder) -> bytes | None:
    """The holder's key for reading; MasterKeyMismatch when the database names another key."""
    key = holder.load()
    if key is None:
        return None
    with engine.connect() as conn:
        check = stored_check(conn)
    if not matches(check, key):
        raise other_key_error(holder, have_key=True, check=check)
    return key


def claim_in(conn: Connection, holder: MasterKeyHolder) -> bytes:
    """The key to seal a new value with, in the write's transaction: the holder's key when it
    is the database's (or the database has none yet), a new one only while nothing is stored.

    Raises MasterKeyMismatch rather than sealing under a second key."""
    check = stored_check(conn, for_update=True)
    stored = conn.execute(
        select(user_secrets.c.key_name, user_secrets.c.encrypted_value).limit(1)
    ).first()
    key = holder.load()
    if key is not None and matches(check, key):
        if check is None and stored is not None:
            # A database from before the check value: the key must open what is stored.
            try:
                unseal(key, stored.key_name, stored.encrypted_value)
            except SecretUnreadable:
                raise other_key_error(holder, have_key=True, check=None) from None
        if check is None:
            save_check(conn, key)
        return key
    if stored is not None:
        raise other_key_error(holder, have_key=key is not None, check=check)
    # Nothing is stored, so nothing is lost: this key (a new one if there is none) becomes the
    # database's. That is also how a user who lost the key starts over after deleting the keys.
    if key is None:
        key = holder.create()
    save_check(conn, key)
    return key


def retry_once_on_conflict(write: Callable[[], T]) -> T:
    """Run ``write``; again if another process stored the first check value at the same moment
    (PostgreSQL has no row to lock before it exists, so one insert loses)."""
    try:
        return write()
    except IntegrityError:
        return write()
