"""The node types a flow may use, by name; adding a type is one module and one line here."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from .approval import ApprovalNode
from .base import NodeType, NodeTypeInfo
from .condition import ConditionNode
from .llm import LlmNode
from .shell import ShellNode

_TYPES: dict[str, NodeType[Any]] = {
    t.name: t for t in (ShellNode(), LlmNode(), ApprovalNode(), ConditionNode())
}


def names() -> tuple[str, ...]:
    return tuple(_TYPES)


def get(name: str) -> NodeType[Any]:
    """The node type called name; KeyError when there is none."""
    return _TYPES[name]


def all_types() -> Iterator[NodeType[Any]]:
    return iter(_TYPES.values())


def infos() -> list[NodeTypeInfo]:
    """Every type's editor metadata, in palette order."""
    return [t.info() for t in _TYPES.values()]
