"""The OS keyring (Keychain, Credential Locker, Secret Service, KWallet), used only when secure."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import keyring
from keyring.backend import KeyringBackend
from keyring.backends.chainer import ChainerBackend
from keyring.errors import KeyringError, PasswordDeleteError

from .errors import KeyringUnavailable

log = logging.getLogger(__name__)

SERVICE = "forge-orchestrator"

# Backends that store nothing, fail on purpose, or keep values in plaintext / behind a prompt
# for a password we cannot supply. Matched on "module.Class" prefixes.
INSECURE_PREFIXES = (
    "keyring.backends.fail.",
    "keyring.backends.null.",
    "keyrings.alt.",
    "keyrings.cryptfile.",
)

FRIENDLY_NAMES = {
    "keyring.backends.macOS.Keyring": "macOS Keychain",
    "keyring.backends.Windows.WinVaultKeyring": "Windows Credential Locker",
    "keyring.backends.SecretService.Keyring": "Secret Service (GNOME Keyring, KeePassXC, …)",
    "keyring.backends.libsecret.Keyring": "Secret Service via libsecret",
    "keyring.backends.kwallet.DBusKeyring": "KDE Wallet",
    "keyring.backends.kwallet.DBusKeyringKWallet4": "KDE Wallet 4",
}


def qualified_name(backend: KeyringBackend) -> str:
    cls = type(backend)
    return f"{cls.__module__}.{cls.__qualname__}"


def describe(backend: KeyringBackend) -> str:
    name = qualified_name(backend)
    return FRIENDLY_NAMES.get(name, name)


def _priority(backend: KeyringBackend) -> float:
    try:
        return float(backend.priority)
    except Exception:
        # A backend raises from `priority` when it cannot work here (no D-Bus, no Keychain).
        return -1.0


def is_secure(backend: KeyringBackend) -> bool:
    """Priority >= 1 is keyring's own "recommended" bar; plaintext backends sit below it."""
    name = qualified_name(backend)
    if isinstance(backend, ChainerBackend) or name.startswith(INSECURE_PREFIXES):
        return False
    if "plaintext" in name.lower():
        return False
    return _priority(backend) >= 1


@dataclass(frozen=True)
class KeyringChoice:
    backend: KeyringBackend | None
    active: str
    reason: str


def choose_backend() -> KeyringChoice:
    """The secure backend to use, or None with the reason why the OS keyring is not used."""
    try:
        active = keyring.get_keyring()
    except Exception as exc:  # a broken keyring config file must not stop the app
        return KeyringChoice(None, "unknown", f"the OS keyring could not be loaded ({exc})")
    active_name = qualified_name(active)
    candidates = list(active.backends) if isinstance(active, ChainerBackend) else [active]
    # The chainer falls through to any backend on failure, including plaintext ones, so a
    # secure member is used directly instead of the chain.
    for candidate in candidates:
        if is_secure(candidate):
            return KeyringChoice(
                candidate, active_name, f"a secure OS keyring is available: {describe(candidate)}"
            )
    return KeyringChoice(
        None, active_name, f"no secure OS keyring is available (active backend: {active_name})"
    )


class OsKeyring:
    """Get/set/delete values under the service name `forge-orchestrator`."""

    def __init__(self, backend: KeyringBackend) -> None:
        self.backend = backend
        self.label = describe(backend)

    def get(self, username: str) -> str | None:
        try:
            return self.backend.get_password(SERVICE, username)
        except KeyringError as exc:
            raise self._failed("read", exc) from None

    def set(self, username: str, value: str) -> None:
        try:
            self.backend.set_password(SERVICE, username, value)
        except KeyringError as exc:
            raise self._failed("write", exc) from None

    def delete(self, username: str) -> bool:
        try:
            self.backend.delete_password(SERVICE, username)
        except PasswordDeleteError:
            return False
        except KeyringError as exc:
            raise self._failed("delete", exc) from None
        return True

    def _failed(self, action: str, exc: Exception) -> KeyringUnavailable:
        # The exception text comes from the OS service and never contains the value.
        log.warning("OS keyring %s failed: %s", action, type(exc).__name__)
        return KeyringUnavailable(
            f"The OS keyring ({self.label}) could not {action} the entry: {exc}. "
            "Unlock it and retry, or set FORGE_KEYRING=encrypted to use the encrypted database."
        )
