"""Master key rotation: re-encrypt every value in one transaction, then promote the new key.

Order: stage the new key (written durably beside the old one) → re-encrypt all rows in one
transaction that holds the write lock → commit → promote the staged key. A crash before the
commit leaves old rows + old key (the stage is discarded on recovery); a crash after it leaves new
rows + a staged key that decrypts them, which recovery promotes. No moment loses a value.
"""

from __future__ import annotations

from sqlalchemy import Engine, select, update

from ..db.engine import write_tx
from ..db.tables.secrets import user_secrets
from .cipher import seal, unseal
from .errors import SecretUnreadable
from .key_check import matches, other_key_error, save_check, stored_check
from .master_key import MasterKeyHolder, new_key


def recover_interrupted_rotation(engine: Engine, holder: MasterKeyHolder) -> None:
    """Finish or undo a rotation that stopped between staging the key and promoting it."""
    if holder.load_staged() is None:
        return
    # The write lock waits for a rotation still in flight in another process.
    with write_tx(engine) as conn:
        staged = holder.load_staged()
        if staged is None:
            return
        row = conn.execute(select(user_secrets.c.key_name, user_secrets.c.encrypted_value)).first()
        if row is None:
            committed = holder.load() is None
        else:
            try:
                unseal(staged, row.key_name, row.encrypted_value)
                committed = True
            except SecretUnreadable:
                committed = False
        if committed:
            holder.promote()
        else:
            holder.discard_staged()


def missing_key_error(holder: MasterKeyHolder) -> SecretUnreadable:
    return SecretUnreadable(
        f"Secrets are stored but the master key is missing (expected at {holder.location}). "
        "Restore it from a backup, or delete and set the keys again. When several Forge "
        "processes share this database, give this one the others' key: FORGE_MASTER_KEY_FILE "
        "(see the README, Team mode).",
        details={"location": holder.location},
    )


def rotate_master(engine: Engine, holder: MasterKeyHolder) -> int:
    """Re-encrypt every stored value under a fresh master key; returns how many were rotated."""
    recover_interrupted_rotation(engine, holder)
    fresh = new_key()
    try:
        with write_tx(engine) as conn:
            rows = conn.execute(
                select(user_secrets.c.key_name, user_secrets.c.encrypted_value).with_for_update()
            ).all()
            old = holder.load()
            if old is None:
                if rows:
                    raise missing_key_error(holder)
                save_check(conn, holder.create())
                return 0
            check = stored_check(conn, for_update=True)
            if not matches(check, old):
                # Re-encrypting would fail on the first row: say which key is wrong instead.
                raise other_key_error(holder, have_key=True, check=check)
            # Decrypt everything first: one unreadable value aborts before anything changes.
            resealed = [
                (r.key_name, seal(fresh, r.key_name, unseal(old, r.key_name, r.encrypted_value)))
                for r in rows
            ]
            holder.stage(fresh)
            # updated_at is left alone: it tells the user when the value last changed.
            for name, blob in resealed:
                conn.execute(
                    update(user_secrets)
                    .where(user_secrets.c.key_name == name)
                    .values(encrypted_value=blob)
                )
            save_check(conn, fresh)  # the new key's check commits with the new rows
    except BaseException:
        holder.discard_staged()
        raise
    holder.promote()
    return len(resealed)
