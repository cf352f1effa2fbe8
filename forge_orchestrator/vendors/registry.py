"""Every vendor module in this package, found by its ``VENDOR`` spec: get, all, for_model."""

from __future__ import annotations

import functools
import importlib
import pkgutil
from pathlib import Path

from ..errors import NotConfigured
from .spec import Vendor

_NOT_VENDORS = frozenset({"failure", "registry", "spec"})


@functools.cache
def _registry() -> dict[str, Vendor]:
    # A new provider is one module here with a VENDOR: no list to keep in step.
    found: list[Vendor] = []
    for info in pkgutil.iter_modules([str(Path(__file__).parent)]):
        if info.name in _NOT_VENDORS or info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__package__}.{info.name}")
        spec = getattr(module, "VENDOR", None)
        if isinstance(spec, Vendor):
            found.append(spec)
    found.sort(key=lambda v: (v.order, v.name))
    return {v.name: v for v in found}


def all() -> list[Vendor]:
    """Every vendor, in display order (built-in providers, then local servers)."""
    return list(_registry().values())


def builtin() -> list[Vendor]:
    """The fixed providers (one each), not the kind for user-named local servers."""
    return [v for v in _registry().values() if not v.local_servers]


def builtin_names() -> tuple[str, ...]:
    return tuple(v.name for v in builtin())


def local_kind() -> Vendor:
    return next(v for v in _registry().values() if v.local_servers)


def get(name: str) -> Vendor:
    vendor = _registry().get(name)
    if vendor is None:
        raise NotConfigured(f"'{name}' is not a provider ({', '.join(builtin_names())}).")
    return vendor


def find(name: str) -> Vendor | None:
    return _registry().get(name)


def for_model(model: str) -> Vendor | None:
    """The built-in vendor whose model ids match ``model``, if any."""
    return next((v for v in builtin() if v.serves(model)), None)


def key_env_vars() -> frozenset[str]:
    """Every environment variable a vendor's API key may come from."""
    return frozenset(var for v in _registry().values() for var in v.key_env)
