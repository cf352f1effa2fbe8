"""Command line: `forge-orchestrator serve`, plus the domain subcommands (keys, flows, ledger,
login, token)."""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Callable, Sequence
from functools import partial
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from . import __version__
from .auth.cli import register as auth
from .cli_support import Handler, add_data_dir_option, settings_from_args
from .datadir_lock import DataDirInUse, hold
from .db.cli import preflight
from .db.cli import register as db
from .flows.cli import register as flows
from .keyring.cli import register as keys
from .ledger.cli import register as ledger
from .procs.reaper import become_subreaper
from .procs.scan import TAG_VAR
from .settings import Settings

if TYPE_CHECKING:
    from fastapi import FastAPI


def _serve(args: argparse.Namespace) -> int:
    settings = settings_from_args(args)
    with contextlib.ExitStack() as stack:
        try:
            stack.enter_context(hold(settings.data_dir))
        except DataDirInUse as exc:
            print(exc.message, file=sys.stderr, flush=True)
            return 1
        verdict = preflight(settings)  # checks the database file while the server is imported
        # Imported here, after the check started, so the two overlap (start-up time).
        from .server import serve

        failed = verdict()
        if failed:
            return failed
        # Orphans of runs then stay our children (findable, reaped) instead of going to init.
        become_subreaper()
        # Started from inside a Forge terminal? Our own helpers (a browser launcher) must not
        # carry that tag, or the reaper would take them for orphans of a run.
        os.environ.pop(TAG_VAR, None)
        return serve(settings)


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


def _make_app(settings: Settings) -> FastAPI:
    # FastAPI and every route load only for the commands that build the app (start-up time).
    from .app import create_app

    return create_app(settings)


def _domain_commands() -> list[Callable[[Any], None]]:
    # Each domain registers its own subcommands; the app factory goes in from here, the root.
    return [keys, ledger, partial(flows, make_app=_make_app), db, auth]


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
