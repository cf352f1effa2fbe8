"""The frozen Vendor spec: everything Forge knows about one LLM provider, in one value."""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .failure import Classifier, Failure

# An adapter factory is named "package.module:function" and imported on first use, so that
# start-up does not pay for importing a vendor SDK (over a second each).
AdapterPath = str


def _never(_exc: BaseException, _label: str) -> Failure | None:
    return None


@dataclass(frozen=True)
class Vendor:
    """One provider. ``routes`` picks another adapter for the models it matches."""

    name: str
    label: str
    adapter: AdapterPath
    key_env: tuple[str, ...] = ()
    base_url_env: str | None = None
    default_base_url: str | None = None
    default_model: str | None = None
    models: str | None = None  # regex for the model ids this vendor serves
    routes: tuple[tuple[str, AdapterPath], ...] = ()
    classify: Classifier = _never
    usage: Callable[..., Any] | None = None
    sdk: str | None = None  # module the warm-up imports ahead of the first call
    order: int = 100
    # Local servers (many per install, named by the user) instead of one fixed provider.
    local_servers: bool = False
    # For the UI: where to get a key, what it looks like, whether a base URL must be given.
    key_hint: str = ""
    key_url: str | None = None
    needs_base_url: bool = False
    help: str = ""
    # The browser's tokenizer that counts this vendor's tokens exactly; None: an estimate.
    tokenizer: str | None = None
    _compiled: tuple[re.Pattern[str] | None, ...] = field(default=(), repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(
            self,
            "_compiled",
            (
                re.compile(self.models) if self.models else None,
                *(re.compile(p) for p, _ in self.routes),
            ),
        )

    def serves(self, model: str) -> bool:
        pattern = self._compiled[0]
        return pattern is not None and pattern.match(model) is not None

    def adapter_for(self, model: str) -> AdapterPath:
        for pattern, (_, path) in zip(self._compiled[1:], self.routes, strict=True):
            if pattern is not None and model and pattern.match(model):
                return path
        return self.adapter

    def factory(self, model: str = "") -> Callable[..., Any]:
        """The adapter factory for ``model``, imported now (this is where an SDK loads)."""
        module, _, attr = self.adapter_for(model).partition(":")
        factory: Callable[..., Any] = getattr(importlib.import_module(module), attr)
        return factory
