"""The long-lived API token for scripts: its file (0600, refused otherwise), length and rotation."""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
from pathlib import Path

from ..errors import AppError, Conflict
from ..settings import MIN_TOKEN_LENGTH, Settings

TOKEN_FILE = "token"  # noqa: S105 - a file name, not a secret


class TokenFileInsecure(AppError):
    """The token file is readable or writable by other users, or too short to be a secret."""

    status_code = 500
    code = "token_file_insecure"


def token_path(settings: Settings) -> Path:
    return settings.data_dir / TOKEN_FILE


def load_or_create_token(settings: Settings) -> str:
    """The configured token, else the one in <data_dir>/token, created 0600 on first start."""
    if settings.token is not None:
        return settings.token.get_secret_value()  # length checked by Settings
    path = token_path(settings)
    if path.exists():
        return _read_checked(path)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    token = new_token()
    try:
        _write_private(path, token)
    except FileExistsError:  # another process created it first: use theirs
        return _read_checked(path)
    return token


def new_token() -> str:
    return secrets.token_urlsafe(32)  # 43 characters, 256 bits


def rotate_token_file(settings: Settings) -> str:
    """Write a fresh token to <data_dir>/token atomically (0600 from creation) and return it."""
    if settings.token is not None:
        raise Conflict(
            "The token comes from FORGE_TOKEN, so Forge cannot rotate it; change the variable "
            "and restart.",
            code="token_from_environment",
        )
    path = token_path(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    token = new_token()
    tmp = path.with_name(f".{TOKEN_FILE}.{secrets.token_hex(4)}.tmp")
    try:
        _write_private(tmp, token)
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
    return token


def _read_checked(path: Path) -> str:
    if os.name != "nt":  # POSIX modes do not describe Windows ACLs
        mode = stat.S_IMODE(path.stat().st_mode)
        if mode & 0o077:
            raise TokenFileInsecure(
                f"The token file {path} has mode {mode:04o}; it must be 0600 (readable only by "
                f"you). Forge will not use it. Fix it with: chmod 600 '{path}'",
                details={"path": str(path), "mode": f"{mode:04o}"},
            )
    token = path.read_text().strip()
    if len(token) < MIN_TOKEN_LENGTH:
        raise TokenFileInsecure(
            f"The token in {path} has {len(token)} characters; at least {MIN_TOKEN_LENGTH} are "
            f"required. Delete the file to get a new random one.",
            details={"path": str(path), "length": len(token)},
        )
    return token


def _write_private(path: Path, text: str) -> None:
    # O_EXCL + 0600 at creation: the token is never world-readable, not even briefly.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(text)


def secure_data_dir(settings: Settings) -> None:
    """The data dir is 0700 and the default SQLite database (and its -wal/-shm) 0600.

    SQLite gives -wal and -shm the mode of the database file, so creating that file 0600
    first is enough for new ones; files left 0644 by older versions are tightened here.
    """
    data_dir = settings.data_dir
    data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    if os.name == "nt":
        return
    _tighten(data_dir, 0o700)
    if settings.database_url is not None:
        return  # the user chose where the database lives
    db = data_dir / "forge.db"
    with contextlib.suppress(FileExistsError):
        os.close(os.open(db, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    for path in (db, data_dir / "forge.db-wal", data_dir / "forge.db-shm"):
        if path.exists():
            _tighten(path, 0o600)


def _tighten(path: Path, mode: int) -> None:
    st = path.stat()
    if stat.S_IMODE(st.st_mode) & 0o077 and st.st_uid == os.getuid():
        path.chmod(mode)
