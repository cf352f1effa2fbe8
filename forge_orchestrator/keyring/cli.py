"""`forge-orchestrator keys …`: set (no echo, or stdin), list, delete and rotate-master."""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from ..cli_support import add_data_dir_option, settings_from_args
from ..db.utils import iso
from ..errors import AppError
from ..vendors import registry
from .encrypted_backend import EncryptedBackend
from .rotate import rotate_master
from .store import SecretStore


@contextmanager
def _open(args: argparse.Namespace) -> Iterator[SecretStore]:
    # SQLAlchemy and Alembic load only when a keys command runs, not for every command line.
    from ..db.engine import make_engine
    from ..db.migrate import upgrade
    from .factory import open_store

    settings = settings_from_args(args)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = make_engine(settings.resolved_database_url)
    try:
        upgrade(engine)
        yield open_store(settings, engine)
    finally:
        engine.dispose()


def _read_value(name: str) -> str:
    if sys.stdin.isatty():
        return getpass.getpass(f"Value for '{name}' (input hidden): ")
    return sys.stdin.read()


def _set(args: argparse.Namespace) -> int:
    with _open(args) as store:
        store.set(args.name, _read_value(args.name))
        info = next(i for i in store.list() if i.name == args.name)
        print(f"Stored '{args.name}' ({info.masked}). Storage: {store.status().label}.")
    return 0


def _list(args: argparse.Namespace) -> int:
    with _open(args) as store:
        status = store.status()
        print(f"Storage: {status.label} — {status.reason}")
        items = store.list()
        if not items:
            print("No keys stored. Add one with: forge-orchestrator keys set <name>")
            return 0
        width = max(len(i.name) for i in items)
        for item in items:
            shown = item.masked or f"unreadable: {item.problem}"
            print(f"{item.name:<{width}}  {shown:<10}  updated {iso(item.updated_at)}")
    return 0


def _delete(args: argparse.Namespace) -> int:
    with _open(args) as store:
        if not store.delete(args.name):
            print(f"No key named '{args.name}'.", file=sys.stderr)
            return 1
        print(f"Deleted '{args.name}'.")
    return 0


def _rotate(args: argparse.Namespace) -> int:
    with _open(args) as store:
        backend = store.backend
        if not isinstance(backend, EncryptedBackend):
            print(
                "Keys are stored in the OS keyring, which has no Forge master key to rotate.",
                file=sys.stderr,
            )
            return 2
        count = rotate_master(backend.engine, backend.holder)
        print(f"New master key in {backend.holder.location}; re-encrypted {count} value(s).")
    return 0


def _guarded(handler: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    def run(args: argparse.Namespace) -> int:
        try:
            return handler(args)
        except AppError as exc:
            print(f"error: {exc.message}", file=sys.stderr)
            return 1

    return run


def register(subparsers: Any) -> None:
    keys = subparsers.add_parser("keys", help="manage stored API keys and secrets")
    keys_sub = keys.add_subparsers(dest="keys_command", metavar="ACTION", required=True)

    set_p = keys_sub.add_parser(
        "set", help="store a secret; the value is read without echo, or from stdin when piped"
    )
    set_p.add_argument(
        "name",
        help=f"key name: {', '.join(registry.builtin_names())}, a local server, or any name",
    )
    list_p = keys_sub.add_parser("list", help="list stored names with a masked tail")
    del_p = keys_sub.add_parser("delete", help="delete a stored secret")
    del_p.add_argument("name")
    rot_p = keys_sub.add_parser(
        "rotate-master", help="re-encrypt every stored value under a new master key"
    )
    for parser, handler in ((set_p, _set), (list_p, _list), (del_p, _delete), (rot_p, _rotate)):
        add_data_dir_option(parser)
        parser.set_defaults(handler=_guarded(handler))
