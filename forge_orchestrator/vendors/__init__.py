"""LLM providers as plug-ins: one module per vendor holding its frozen ``Vendor`` spec."""

from __future__ import annotations

from .failure import Failure
from .registry import all, builtin, builtin_names, find, for_model, get, key_env_vars, local_kind
from .spec import Vendor

__all__ = [
    "Failure",
    "Vendor",
    "all",
    "builtin",
    "builtin_names",
    "find",
    "for_model",
    "get",
    "key_env_vars",
    "local_kind",
]
