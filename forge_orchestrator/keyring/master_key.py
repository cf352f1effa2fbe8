"""The 256-bit master key: in the OS keyring when one is usable, else a 0600 file in the data dir.

Rotation stages the next key beside the current one (a `.next` file or keyring entry) before
the database commits, then promotes it; see rotate.py for the crash-safe ordering.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
import os
import secrets
import stat
from pathlib import Path
from typing import Literal, Protocol

from ..errors import AppError
from .errors import KeyFileInsecure
from .os_backend import OsKeyring

KEY_BYTES = 32
FILE_NAME = "master.key"
_HEADER = "forge-master-key-v1:"


def new_key() -> bytes:
    return secrets.token_bytes(KEY_BYTES)


def encode_key(key: bytes) -> str:
    return _HEADER + base64.b64encode(key).decode("ascii")


def decode_key(text: str, where: str) -> bytes:
    text = text.strip()
    try:
        if not text.startswith(_HEADER):
            raise ValueError("missing header")
        key = base64.b64decode(text[len(_HEADER) :], validate=True)
    except (ValueError, binascii.Error):
        key = b""
    if len(key) != KEY_BYTES:
        raise AppError(
            f"The master key in {where} is damaged (not a 256-bit key). Restore it from a backup; "
            "without it the stored secrets cannot be decrypted.",
            code="master_key_damaged",
        )
    return key


class MasterKeyHolder(Protocol):
    @property
    def kind(self) -> Literal["file", "os-keyring"]: ...
    @property
    def location(self) -> str: ...

    def load(self) -> bytes | None: ...
    def create(self) -> bytes: ...
    def load_staged(self) -> bytes | None: ...
    def stage(self, key: bytes) -> None: ...
    def promote(self) -> None: ...
    def discard_staged(self) -> None: ...


def check_mode(path: Path) -> None:
    """Refuse a key file that other users can read or write."""
    if os.name == "nt":  # POSIX modes do not describe Windows ACLs
        return
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        raise KeyFileInsecure(
            f"The master key file {path} has mode {mode:04o}; it must be 0600 (readable only by "
            f"you). Forge will not use it. Fix it with: chmod 600 '{path}'",
            details={"path": str(path), "mode": f"{mode:04o}"},
        )


def _write_new_file(path: Path, text: str) -> None:
    """Create `path` with mode 0600 atomically; never overwrites an existing file."""
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="ascii") as fh:
            fh.write(text + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        # link() fails if the target exists, so two processes racing cannot clobber a key.
        os.link(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    _fsync_dir(path.parent)


def _fsync_dir(directory: Path) -> None:
    if os.name == "nt":
        return
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class FileKeyHolder:
    kind: Literal["file", "os-keyring"] = "file"

    def __init__(self, data_dir: Path, path: Path | None = None) -> None:
        # `path`: a key file several Forge processes share (FORGE_MASTER_KEY_FILE).
        self.path = path if path is not None else data_dir / FILE_NAME
        self.next_path = self.path.with_name(self.path.name + ".next")
        self.location = str(self.path)

    def exists(self) -> bool:
        return self.path.exists()

    def _read(self, path: Path) -> bytes | None:
        if not path.exists():
            return None
        check_mode(path)
        return decode_key(path.read_text(encoding="ascii", errors="replace"), str(path))

    def load(self) -> bytes | None:
        return self._read(self.path)

    def create(self) -> bytes:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # FileExistsError: another process won the race; its key is the one to use.
        with contextlib.suppress(FileExistsError):
            _write_new_file(self.path, encode_key(new_key()))
        key = self.load()
        assert key is not None
        return key

    def load_staged(self) -> bytes | None:
        return self._read(self.next_path)

    def stage(self, key: bytes) -> None:
        self.next_path.unlink(missing_ok=True)
        _write_new_file(self.next_path, encode_key(key))

    def promote(self) -> None:
        try:
            os.replace(self.next_path, self.path)
        except FileNotFoundError:
            return  # another process finished the same rotation first
        _fsync_dir(self.path.parent)

    def discard_staged(self) -> None:
        self.next_path.unlink(missing_ok=True)


class KeyringKeyHolder:
    kind: Literal["file", "os-keyring"] = "os-keyring"

    def __init__(self, os_keyring: OsKeyring, data_dir: Path) -> None:
        # One master key per data dir: several installs may share the user's keyring.
        digest = hashlib.sha256(str(data_dir.resolve()).encode()).hexdigest()[:16]
        self.os_keyring = os_keyring
        self.entry = f"master-key:{digest}"
        self.next_entry = f"master-key-next:{digest}"
        self.location = f"{os_keyring.label} (entry {self.entry})"

    def exists(self) -> bool:
        return self.os_keyring.get(self.entry) is not None

    def _read(self, entry: str) -> bytes | None:
        text = self.os_keyring.get(entry)
        return None if text is None else decode_key(text, f"the OS keyring entry {entry}")

    def load(self) -> bytes | None:
        return self._read(self.entry)

    def create(self) -> bytes:
        existing = self.load()
        if existing is not None:
            return existing
        key = new_key()
        self.os_keyring.set(self.entry, encode_key(key))
        return key

    def load_staged(self) -> bytes | None:
        return self._read(self.next_entry)

    def stage(self, key: bytes) -> None:
        self.os_keyring.set(self.next_entry, encode_key(key))

    def promote(self) -> None:
        staged = self.os_keyring.get(self.next_entry)
        if staged is None:
            return  # another process finished the same rotation first
        self.os_keyring.set(self.entry, staged)
        self.os_keyring.delete(self.next_entry)

    def discard_staged(self) -> None:
        self.os_keyring.delete(self.next_entry)


def choose_holder(
    data_dir: Path, os_keyring: OsKeyring | None, key_file: Path | None = None
) -> FileKeyHolder | KeyringKeyHolder:
    """The key file the settings name (FORGE_MASTER_KEY_FILE, shared by a team) if any; else
    an existing key wins wherever it is, and a new one goes to the OS keyring when usable."""
    if key_file is not None:
        return FileKeyHolder(data_dir, key_file.expanduser())
    file_holder = FileKeyHolder(data_dir)
    if os_keyring is None:
        return file_holder
    keyring_holder = KeyringKeyHolder(os_keyring, data_dir)
    if keyring_holder.exists() or not file_holder.exists():
        return keyring_holder
    return file_holder
