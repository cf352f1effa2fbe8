"""Builds the SecretStore the settings ask for, and reports truthfully which storage is in use."""

from __future__ import annotations

from sqlalchemy import Engine

from ..errors import AppError
from ..settings import Settings
from .encrypted_backend import EncryptedBackend
from .master_key import MasterKeyHolder, choose_holder
from .models import StorageStatus
from .os_backend import OsKeyring, choose_backend
from .os_store import OsKeyringBackend
from .store import SecretStore

CIPHER = "AES-256-GCM"


def _database_label(engine: Engine) -> str:
    if engine.dialect.name == "sqlite":
        return engine.url.database or "in-memory SQLite"
    return engine.url.render_as_string(hide_password=True)


def open_store(settings: Settings, engine: Engine) -> SecretStore:
    choice = choose_backend()
    os_keyring = OsKeyring(choice.backend) if choice.backend is not None else None
    database = _database_label(engine)

    if os_keyring is not None and settings.keyring == "auto":
        keyring_backend = OsKeyringBackend(engine, os_keyring)

        def keyring_status() -> StorageStatus:
            return StorageStatus(
                storage="os-keyring",
                label=f"OS keyring: {os_keyring.label}",
                reason=choice.reason,
                os_keyring_backend=choice.active,
                database=database,
            )

        return SecretStore(keyring_backend, keyring_status)

    reason = (
        "FORGE_KEYRING=encrypted is set, so the OS keyring is not used for values"
        if settings.keyring == "encrypted"
        else choice.reason
    )
    backend = EncryptedBackend(
        engine,
        lambda: choose_holder(settings.data_dir, os_keyring, settings.master_key_file),
    )

    def encrypted_status() -> StorageStatus:
        problem: str | None = None
        exists = False
        holder: MasterKeyHolder | None = None
        try:
            holder = backend.holder
            exists = holder.load() is not None
        except AppError as exc:  # an unsafe key file or a locked keyring: report it, don't fail
            problem = exc.message
        return StorageStatus(
            storage="encrypted-db",
            label=f"Encrypted in the local database ({CIPHER})",
            reason=reason,
            os_keyring_backend=choice.active,
            database=database,
            cipher=CIPHER,
            master_key=holder.kind if holder else None,
            master_key_location=holder.location if holder else None,
            master_key_exists=exists,
            problem=problem,
        )

    return SecretStore(backend, encrypted_status)
