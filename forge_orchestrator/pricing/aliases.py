"""Moving model aliases (``claude-opus-latest``, ``chat-latest`` …): which model one meant when."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from importlib import resources
from typing import Any


@dataclass(frozen=True)
class AliasTarget:
    model: str
    since: datetime | None  # None: from the beginning


@dataclass(frozen=True)
class Alias:
    provider: str
    name: str
    targets: tuple[AliasTarget, ...]  # oldest first
    basis: str
    assumed: str | None  # the date an unstated mapping was assumed, else None

    def target_at(self, at: datetime) -> str:
        """The model the alias pointed to at ``at``; before the first date, the first target."""
        chosen = self.targets[0].model
        for t in self.targets:
            if t.since is None or t.since <= at:
                chosen = t.model
        return chosen


def _alias(row: dict[str, Any]) -> Alias:
    targets = tuple(
        AliasTarget(t["model"], None if t["from"] is None else datetime.fromisoformat(t["from"]))
        for t in row["targets"]
    )
    return Alias(row["provider"], row["alias"], targets, row["basis"], row.get("assumed"))


@cache
def bundled_aliases() -> dict[tuple[str, str], Alias]:
    raw = json.loads(resources.files(__package__).joinpath("data/aliases.json").read_text("utf-8"))
    return {(a.provider, a.name): a for a in map(_alias, raw["aliases"])}


def resolve_alias(provider: str, model: str, at: datetime) -> str | None:
    """The model a moving alias stood for at ``at``, or None when ``model`` is no alias."""
    found = bundled_aliases().get((provider, model))
    return None if found is None else found.target_at(at)
