"""`forge-orchestrator login` (a fresh one-time browser link) and `token rotate`."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from ..cli_support import add_data_dir_option, settings_from_args
from ..errors import AppError
from ..settings import Settings
from .tokens import load_or_create_token, rotate_token_file

if TYPE_CHECKING:
    import httpx


def register(sub: Any) -> None:
    login = sub.add_parser("login", help="print a fresh one-time login link for the running server")
    login.add_argument("--port", type=int, help="the server's port (default: FORGE_PORT or 8080)")
    add_data_dir_option(login)
    login.set_defaults(handler=_login)

    token = sub.add_parser("token", help="the API token for scripts")
    token_sub = token.add_subparsers(dest="token_command", metavar="ACTION", required=True)
    rotate = token_sub.add_parser(
        "rotate", help="replace the API token; ends every browser session of a running server"
    )
    rotate.add_argument("--port", type=int, help="the server's port (default: FORGE_PORT or 8080)")
    add_data_dir_option(rotate)
    rotate.set_defaults(handler=_rotate)


def _settings(args: argparse.Namespace) -> Settings:
    return settings_from_args(args)


def _base_url(settings: Settings) -> str:
    host = settings.host if settings.host not in ("0.0.0.0", "::") else "127.0.0.1"
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{settings.port}"


def _call(settings: Settings, path: str) -> httpx.Response | None:
    """POST to the running server; None when no server answers there."""
    # httpx (with the rich and click its CLI pulls in) costs `serve` ~0.1 s to import; only
    # these two commands use it.
    import httpx

    token = load_or_create_token(settings)
    try:
        return httpx.post(
            f"{_base_url(settings)}/api{path}",
            headers={"Authorization": f"Bearer {token}"},
            timeout=10,
        )
    except httpx.TransportError:
        return None


def _login(args: argparse.Namespace) -> int:
    settings = _settings(args)
    try:
        res = _call(settings, "/sessions/login-codes")
    except AppError as exc:
        print(exc.message, file=sys.stderr)
        return 1
    if res is None:
        print(f"No Forge server answers at {_base_url(settings)}; pass --port.", file=sys.stderr)
        return 1
    if res.status_code != 201:
        print(f"The server refused ({res.status_code}): {res.text}", file=sys.stderr)
        return 1
    body = res.json()
    print(f"Open (works once, within {int(body['expires_in_s'] // 60)} minutes): {body['url']}")
    return 0


def _rotate(args: argparse.Namespace) -> int:
    settings = _settings(args)
    try:
        res = _call(settings, "/token/rotate")
    except AppError as exc:
        print(exc.message, file=sys.stderr)
        return 1
    if res is None:
        # No server running: its sessions ended with it; just replace the file.
        try:
            rotate_token_file(settings)
        except AppError as exc:
            print(exc.message, file=sys.stderr)
            return 1
        print(f"New token written to {settings.data_dir / 'token'} (no server was running).")
        return 0
    if res.status_code != 200:
        print(f"The server refused ({res.status_code}): {res.text}", file=sys.stderr)
        return 1
    ended = res.json()["sessions_ended"]
    print(
        f"New token written to {settings.data_dir / 'token'}; the old one no longer works and "
        f"{ended} browser session(s) ended."
    )
    return 0
