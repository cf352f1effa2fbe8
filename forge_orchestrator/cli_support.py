"""What every command line module shares: settings from flags, the --data-dir option, Handler.

It sits below the domains: the domain CLIs (``*/cli.py``) import it, and the top-level ``cli``
(the composition root) imports the domain CLIs; no domain imports the top-level ``cli``.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any

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
