"""Command line: `forge-orchestrator serve`, plus the domain subcommands (keys, flows, ledger,
login, token)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from . import __version__
from .settings import Settings

Handler = Callable[[argparse.Namespace], int]


def settings_from_args(args: argparse.Namespace) -> Settings:
    """Flags win over FORGE_* environment variables; unset flags leave the env in charge."""
    overrides: dict[str, Any] = {}
    for flag, field in (("host", "host"), ("port", "port"), ("data_dir", "data_dir")):
        value = getattr(args, flag, None)
        if value is not None:
            overrides[field] = value
    if getattr(args, "no_browser", False):
        overrides["open_browser"] = False
    if getattr(args, "allow_remote", False):
        overrides["allow_remote"] = True
    return Settings(**overrides)


def add_data_dir_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--data-dir",
        type=Path,
        help="data directory (database, token, key file); env FORGE_DATA_DIR; "
        "default: the platform's user data directory",
    )


def _serve(args: argparse.Namespace) -> int:
    from .server import serve

    return serve(settings_from_args(args))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="forge-orchestrator",
        description="Forge Orchestrator: a local command center for developers who work with LLMs.",
    )
    parser.add_argument("--version", action="version", version=f"forge-orchestrator {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    serve = sub.add_parser("serve", help="start the web app and API in one process")
    serve.add_argument("--host", help="address to bind (default 127.0.0.1; env FORGE_HOST)")
    serve.add_argument(
        "--port", type=int, help="port (default 8080; a taken port falls back to a free one)"
    )
    add_data_dir_option(serve)
    serve.add_argument("--no-browser", action="store_true", help="do not open a browser")
    serve.add_argument(
        "--allow-remote",
        action="store_true",
        help="accept requests for any Host name (needed beyond loopback); prints a warning",
    )
    serve.set_defaults(handler=_serve)

    for register in _domain_commands():
        register(sub)
    return parser


def _domain_commands() -> list[Callable[[Any], None]]:
    # Each domain registers its own subcommands; the list grows as domains land.
    from .auth.cli import register as auth
    from .flows.cli import register as flows
    from .keyring.cli import register as keys
    from .ledger.cli import register as ledger

    return [keys, ledger, flows, auth]


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Handler | None = getattr(args, "handler", None)
    if handler is None:
        parser.print_help()
        return 2
    try:
        return handler(args)
    except ValidationError as exc:
        # A bad FORGE_* value (a short FORGE_TOKEN, say): one clear line per problem, no trace.
        for err in exc.errors():
            field = ".".join(str(p) for p in err["loc"]) or "settings"
            print(f"forge-orchestrator: {field}: {err['msg']}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
